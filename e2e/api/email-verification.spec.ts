import { createHash } from 'node:crypto';
import type { APIRequestContext } from '@playwright/test';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditOf, emailVerificationsOf, seedMember, seedMemberAt, seedPersonalToken, unique, userByEmail } from '../support/seed';
import { verificationLinkIn, withSmtpServer } from '../support/smtp';

// "Verify your address" over the wire, on the proxied server (it mails through the SMTP server
// that withSmtpServer runs on loopback). The rule under attack: the mailed secret proves an
// address only together with a session (or personal token) of the very account that asked,
// so a squatter's link that lands in the real owner's mailbox cannot prove the squatter's account.

const { url, database: db } = servers.proxied;
const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });
const codeOf = (link: string) => link.split('/verify-email/')[1]!;

/** An organization with a proven admin and an unproven member (as a copied invitation link makes one). */
async function unprovenAccount(label = 'owner') {
  const admin = await seedMember(db);
  const member = await seedMemberAt(db, admin.organizationId, `${unique(label)}@example.test`);
  return { admin, member };
}

async function emailVerifiedInMemberApi(request: APIRequestContext, adminToken: string, organizationId: string, email: string) {
  const { users } = await (await request.get(`${url}/v1/organization/${organizationId}/user`, { headers: auth(adminToken) })).json();
  return users.find((u: { user_info: { user_email: string } }) => u.user_info.user_email === email).email_verified as boolean;
}

const ask = (request: APIRequestContext, token: string) => request.post(`${url}/v1/me/email_verification`, { headers: json(token), data: {} });
const confirm = (request: APIRequestContext, token: string | null, code: string) =>
  request.post(`${url}/v1/me/email_verification/${code}`, { headers: token ? auth(token) : {} });

test('the owner asks for the mail, reads it and confirms with their own token: email_verified becomes true', async ({ request }) => {
  const { admin, member } = await unprovenAccount();
  const adminToken = await login(request, admin.email, admin.password, url);
  const token = await login(request, member.email, member.password, url);
  expect(await emailVerifiedInMemberApi(request, adminToken, admin.organizationId, member.email)).toBe(false);

  await withSmtpServer(async (received) => {
    const asked = await ask(request, token);
    expect(asked.status(), await asked.text()).toBe(200);
    const { message } = await asked.json();
    expect(message).toMatch(new RegExp(`^A verification link was mailed to ${member.email.replace(/[.]/g, '\\.')}; it is valid until \\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$`));
    expect(received.map((m) => m.to)).toEqual([[member.email]]);
    const code = codeOf(verificationLinkIn(received[0]!));
    // Only the hash is stored; nothing in the answer carries the secret.
    expect(await emailVerificationsOf(db, member.userId)).toEqual([expect.objectContaining({ tokenHash: createHash('sha256').update(code).digest('hex'), usedTime: null })]);
    expect(message).not.toContain(code);

    // A second request within 5 minutes mails nothing.
    const again = await ask(request, token);
    expect(again.status()).toBe(429);
    expect((await again.json()).message).toBe('A verification link was mailed less than 5 minutes ago: use the link in that mail, or ask for a new one in 5 minutes');
    expect(received).toHaveLength(1);

    const confirmed = await confirm(request, token, code);
    expect(confirmed.status(), await confirmed.text()).toBe(200);
    expect(await confirmed.json()).toEqual({ message: `Your address ${member.email} is now proven` });
  });

  expect(await emailVerifiedInMemberApi(request, adminToken, admin.organizationId, member.email)).toBe(true);
  expect((await auditOf(db, { event: 'user.email_verified', actorEmail: member.email }))[0]).toMatchObject({
    organizationId: admin.organizationId,
    details: { how: 'mailed_link', via: 'email_verification' },
  });
  expect(await auditOf(db, { event: 'user.email_verification_requested', actorEmail: member.email })).toHaveLength(1);
  // Proven now: nothing more to ask for.
  const proven = await ask(request, token);
  expect(proven.status()).toBe(409);
  expect((await proven.json()).message).toBe(`Your address ${member.email} is proven already`);
});

test('the squatter’s link in the real owner’s mailbox: the owner’s own account, no token, or a GET cannot prove the squatter’s account', async ({ request }) => {
  // The squatter holds an unproven account for owner@… (its password is theirs) and asks for the mail.
  const { member: squatted } = await unprovenAccount('owner');
  const squatterToken = await login(request, squatted.email, squatted.password, url);
  // The real owner of the address has an account of their own, proven, under another address.
  const realOwner = await seedMember(db);
  const ownerSession = await login(request, realOwner.email, realOwner.password, url);
  const ownerPersonal = await seedPersonalToken(db, realOwner.userId);

  const link = await withSmtpServer(async (received) => {
    expect((await ask(request, squatterToken)).status()).toBe(200);
    // The mail goes to the address, i.e. to the real owner, not to the squatter.
    expect(received.map((m) => m.to)).toEqual([[squatted.email]]);
    return verificationLinkIn(received[0]!);
  });
  const code = codeOf(link);

  // (b) Following the link proves nothing: signed out, it sends the browser to sign in and back...
  const signedOut = await request.get(link, { maxRedirects: 0 });
  expect(signedOut.status()).toBe(307);
  expect(new URL(signedOut.headers().location!, url).href).toBe(`${url}/signin?callbackUrl=${encodeURIComponent(`/verify-email/${code}`)}`);
  // ...signed in as the real owner's own account, the page refuses and offers no button...
  const asOwner = await request.get(link, { headers: { cookie: `next-auth.session-token=${ownerSession}` } });
  expect(asOwner.status()).toBe(200);
  const page = await asOwner.text();
  expect(page).toContain(`This verification link belongs to another account, not to ${realOwner.email}: nothing was changed.`);
  expect(page).not.toContain(`Verify ${squatted.email}`);
  // ...and the API's confirmation is POST only.
  expect((await request.get(`${url}/v1/me/email_verification/${code}`, { headers: auth(ownerSession) })).status()).toBe(405);

  // (a)/(c) Another account's session or personal token: 403, nothing changes.
  for (const token of [ownerSession, ownerPersonal]) {
    const refused = await confirm(request, token, code);
    expect(refused.status()).toBe(403);
    expect(await refused.json()).toEqual({
      message: `This verification link belongs to another account, not to ${realOwner.email}: nothing was changed. Only the account that asked for it, signed in, can use it.`,
      errors: [{ error_code: 'forbidden', message: expect.any(String), status: 403 }],
    });
  }
  const anonymous = await confirm(request, null, code);
  expect(anonymous.status()).toBe(401);

  expect((await userByEmail(db, squatted.email))!.emailVerifiedTime).toBeNull();
  expect(await emailVerificationsOf(db, squatted.userId)).toEqual([expect.objectContaining({ usedTime: null })]);
  expect(await auditOf(db, { event: 'user.email_verification_refused', actorEmail: realOwner.email })).toHaveLength(2);
  expect((await auditOf(db, { event: 'user.email_verification_refused', actorEmail: realOwner.email }))[0]).toMatchObject({
    organizationId: squatted.organizationId,
    details: { user_email: squatted.email, reason: 'another_account' },
  });
});

test('unknown code 404, used 410; a GET of the page with the right session proves nothing', async ({ request }) => {
  const { member } = await unprovenAccount();
  const token = await login(request, member.email, member.password, url);
  const link = await withSmtpServer(async (received) => {
    expect((await ask(request, token)).status()).toBe(200);
    return verificationLinkIn(received[0]!);
  });
  const code = codeOf(link);

  // The account's own browser opens the link (as a mail scanner with its cookie would): a page, no proof.
  const opened = await request.get(link, { headers: { cookie: `next-auth.session-token=${token}` } });
  expect(opened.status()).toBe(200);
  expect(await opened.text()).toContain(`Verify ${member.email}`);
  expect((await userByEmail(db, member.email))!.emailVerifiedTime).toBeNull();

  const unknown = await confirm(request, token, 'A'.repeat(43));
  expect(unknown.status()).toBe(404);
  expect((await unknown.json()).message).toBe(
    'This verification link is not valid: it may have been replaced by a newer one. Ask for a new link under Profile → Authentication.',
  );
  expect((await confirm(request, token, code)).status()).toBe(200);
  const used = await confirm(request, token, code);
  expect(used.status()).toBe(410);
  expect((await used.json()).message).toBe('This verification link has been used already: each link works once.');
});

test('without SMTP (the main server) asking is 409 with the reason, and nothing is stored', async ({ request }) => {
  const admin = await seedMember(servers.main.database);
  const member = await seedMemberAt(servers.main.database, admin.organizationId, `${unique('nomail')}@example.test`);
  const token = await login(request, member.email, member.password);
  const response = await request.post('/v1/me/email_verification', { headers: json(token), data: {} });
  expect(response.status()).toBe(409);
  expect((await response.json()).message).toBe(
    'This server cannot send mail (SMTP is not configured), and verifying your address needs a mail: ask an administrator',
  );
  expect(await emailVerificationsOf(servers.main.database, member.userId)).toEqual([]);
});

test('a token scoped away from `user` cannot ask or confirm', async ({ request }) => {
  const { member } = await unprovenAccount();
  const session = await login(request, member.email, member.password, url);
  const created = await request.post(`${url}/v1/access_token`, { headers: json(session), data: { description: 'projects only', scopes: ['projects'] } });
  const scoped = (await created.json()).full_token as string;
  const refused = await ask(request, scoped);
  expect(refused.status()).toBe(403);
  expect((await refused.json()).message).toBe('This token\'s scopes (projects) do not allow write access to user');
  expect((await confirm(request, scoped, 'A'.repeat(43))).status()).toBe(403);
});
