import { auth, expect, login, test } from '../support/fixtures';
import { envAdminPassword, servers } from '../support/env';
import { invitationLinkIn, withSmtpServer } from '../support/smtp';
import { seedMember, seedOrgMember, userByEmail, unique } from '../support/seed';

const base = (org: string) => `/v1/organization/${org}/invitation`;

test('invite, list, accept with {action: accept}: the invitee joins', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  // Someone with an account elsewhere is invited.
  const other = await seedMember(servers.main.database);
  const invited = await request.post(base(member.organizationId), { data: { user_email: other.email.toUpperCase() }, headers: auth(admin) });
  expect(invited.status()).toBe(200);
  const body = await invited.json();
  expect(body).toEqual({
    user_email: other.email,
    invited_by: member.email,
    create_time: expect.any(String),
    expiry_time: expect.any(String),
    invite_link: expect.stringMatching(new RegExp(`^${servers.main.url}/invite/[A-Za-z0-9_-]{43}$`)),
    mail_sent: false,
  });
  expect(Date.parse(body.expiry_time) - Date.parse(body.create_time)).toBe(7 * 24 * 3600 * 1000);

  const listed = await (await request.get(base(member.organizationId), { headers: auth(admin) })).json();
  expect(listed).toEqual({ invitations: [{ user_email: other.email, invited_by: member.email, create_time: body.create_time, expiry_time: body.expiry_time }] });

  expect((await request.post(base(member.organizationId), { data: { user_email: other.email }, headers: auth(admin) })).status()).toBe(409);

  // The invitee accepts with their own token, though not yet a member.
  const invitee = await login(request, other.email, other.password);
  const wrongAction = await request.post(`${base(member.organizationId)}/${encodeURIComponent(other.email)}`, { data: { action: 'decline' }, headers: auth(invitee) });
  expect(wrongAction.status()).toBe(400);
  const accepted = await request.post(`${base(member.organizationId)}/${encodeURIComponent(other.email)}`, { data: { action: 'accept' }, headers: auth(invitee) });
  expect(accepted.status()).toBe(200);
  const me = await (await request.get('/v1/me', { headers: auth(invitee) })).json();
  expect(me.user.organizations.map((o: { organization_id: string }) => o.organization_id)).toContain(member.organizationId);
  expect((await (await request.get(base(member.organizationId), { headers: auth(admin) })).json()).invitations).toEqual([]);
});

test('only the invited address can accept; members cannot invite without being super admins', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const email = `${unique('guest')}@example.test`;
  expect((await request.post(base(member.organizationId), { data: { user_email: email }, headers: auth(admin) })).status()).toBe(200);
  const stranger = await seedMember(servers.main.database);
  const strangerToken = await login(request, stranger.email, stranger.password);
  const refused = await request.post(`${base(member.organizationId)}/${encodeURIComponent(email)}`, { data: { action: 'accept' }, headers: auth(strangerToken) });
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toBe(`This invitation is for ${email}, and you are signed in as ${stranger.email}`);

  const plain = await seedOrgMember(servers.main.database, member.organizationId);
  const plainToken = await login(request, plain.email, plain.password);
  expect((await request.post(base(member.organizationId), { data: { user_email: 'x@example.test' }, headers: auth(plainToken) })).status()).toBe(403);

  const cancelled = await request.delete(`${base(member.organizationId)}/${encodeURIComponent(email)}`, { headers: auth(admin) });
  expect(cancelled.status()).toBe(200);
  expect((await request.delete(`${base(member.organizationId)}/${encodeURIComponent(email)}`, { headers: auth(admin) })).status()).toBe(404);
  expect((await request.post(base(member.organizationId), { data: { user_email: 'not an email' }, headers: auth(admin) })).status()).toBe(400);
});

test('with SMTP configured the invitation is mailed, and the link is in the mail only: the inviting admin never sees it', async ({ request }) => {
  await withSmtpServer(async (received) => {
    const url = servers.proxied.url;
    // An address that e2e/api/trusted-proxy.spec.ts's temporary allowlist admits too.
    const via = { 'x-forwarded-for': '203.0.113.50' };
    const signIn = await request.post(`${url}/v1/userauth`, { data: { email: 'admin@proxied.test', password: envAdminPassword }, headers: via });
    const admin = (await signIn.json()).token as string;
    const me = await (await request.get(`${url}/v1/me`, { headers: { ...auth(admin), ...via } })).json();
    const org = me.user.organizations[0].organization_id;
    const email = `${unique('mailed')}@example.test`;
    const response = await request.post(`${url}${base(org)}`, { data: { user_email: email }, headers: { ...auth(admin), ...via } });
    expect(response.status()).toBe(200);
    const body = await response.json();
    expect(body).toEqual({ user_email: email, invited_by: 'admin@proxied.test', create_time: expect.any(String), expiry_time: expect.any(String), mail_sent: true });
    expect(received).toHaveLength(1);
    expect(received[0]!.to).toEqual([email]);
    expect(received[0]!.data).toContain('Subject: You are invited to Proxied Test Org on Portcullis');
    expect(invitationLinkIn(received[0]!)).toMatch(new RegExp(`^${url}/invite/[A-Za-z0-9_-]{43}$`));
    expect(await userByEmail(servers.proxied.database, email)).toBeUndefined();
  });
});
