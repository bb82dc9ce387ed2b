import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import {
  accountIdOf,
  configureIdp,
  postToAcs,
  samlResponse,
  sessionFromSetCookie,
  startSignIn,
  TestIdp,
  type ConfiguredIdp,
} from '../support/saml';
import { addMembership, auditOf, identitiesOf, seedMember, seedOrgMember, setAllowlist, setPolicy, setUserState, tokensOf } from '../support/seed';
import { generateKeyPair, readAuthnRequest, type KeyPair } from '@/lib/testing/saml-idp';

// Identity providers over the wire (../shared/reference/aiven-api.md), and SAML sign-in against
// a real IdP on 127.0.0.1 in this process: the good path and every refusal, each with its reason
// on the page and in the audit log.

let idp: TestIdp;
let impostor: KeyPair;
let expiredCert: KeyPair;

test.beforeAll(async () => {
  idp = await (await TestIdp.create()).start();
  impostor = await generateKeyPair('impostor.example.test');
  const day = 24 * 60 * 60 * 1000;
  expiredCert = await generateKeyPair('old.example.test', { notBefore: new Date(Date.now() - 400 * day), notAfter: new Date(Date.now() - day) });
});
test.afterAll(async () => idp?.stop());

const json = (token: string) => ({ ...auth(token), 'content-type': 'application/json' });

const METHOD_FIELDS = [
  'account_id', 'organization_id', 'authentication_method_id', 'authentication_method_name', 'authentication_method_type',
  'authentication_method_enabled', 'state', 'create_time', 'update_time', 'delete_time', 'saml_acs_url', 'saml_metadata_url',
  'saml_idp_url', 'saml_entity_id', 'saml_certificate', 'saml_certificate_issuer', 'saml_certificate_subject',
  'saml_certificate_not_valid_before', 'saml_certificate_not_valid_after', 'saml_sp_certificate', 'saml_idp_login_allowed',
  'saml_assertion_signed_enabled', 'saml_authn_requests_signed_enabled', 'saml_requested_authn_context_enabled',
  'saml_digest_algorithm', 'saml_signature_algorithm', 'saml_field_mapping', 'saml_variant', 'saml_join_groups',
  'auth_token_max_age_seconds', 'auth_token_extend_when_used', 'auto_join_user_group_id', 'scim_enabled', 'scim_url', 'linked_domains', 'vendor',
];

test('create, list, get, update, enable and delete an identity provider; state follows the configuration', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const accountId = await accountIdOf(member.organizationName);
  const base = `/v1/account/${accountId}/authentication`;

  const created = await request.post(base, { headers: json(token), data: { authentication_method_name: 'Okta', authentication_method_type: 'saml', vendor: 'okta' } });
  expect(created.status()).toBe(200);
  const { authentication_method: method } = await created.json();
  for (const field of METHOD_FIELDS) expect(method, field).toHaveProperty(field);
  const id = method.authentication_method_id;
  expect(method).toMatchObject({
    account_id: accountId,
    organization_id: member.organizationId,
    authentication_method_id: expect.stringMatching(/^am[0-9a-f]+$/),
    authentication_method_type: 'saml',
    authentication_method_enabled: false,
    state: 'pending_configuration',
    vendor: 'okta',
    saml_idp_login_allowed: false,
    saml_assertion_signed_enabled: true,
    saml_digest_algorithm: 'sha256',
    saml_signature_algorithm: 'rsa-sha256',
    saml_certificate: null,
    delete_time: null,
    saml_metadata_url: `${servers.main.url}/v1/sso/saml/account/${accountId}/method/${id}/metadata`,
    saml_acs_url: `${servers.main.url}/v1/sso/saml/account/${accountId}/method/${id}/acs`,
    saml_sp_certificate: expect.stringContaining('BEGIN CERTIFICATE'),
  });
  expect(JSON.stringify(method)).not.toContain('PRIVATE KEY');

  // Enabling before the IdP values are set is refused.
  const early = await request.put(`${base}/${id}`, { headers: json(token), data: { authentication_method_enabled: true } });
  expect(early.status()).toBe(409);
  expect((await early.json()).message).toMatch(/IdP URL, entity ID and certificate/);

  // An expired or unreadable certificate is refused with the reason, beside the field.
  const expired = await request.put(`${base}/${id}`, { headers: json(token), data: { saml_certificate: expiredCert.certificate } });
  expect(expired.status()).toBe(400);
  expect((await expired.json()).errors[0].message).toMatch(/^saml_certificate: The certificate expired on /);
  const garbage = await request.put(`${base}/${id}`, { headers: json(token), data: { saml_certificate: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' } });
  expect(garbage.status()).toBe(400);
  expect((await garbage.json()).message).toMatch(/cannot be read|not a certificate/);
  for (const bad of [{ saml_idp_url: 'ftp://x' }, { saml_digest_algorithm: 'md5' }, { scim_enabled: true }, { surprise: 1 }, { auth_token_max_age_seconds: 5 }]) {
    expect((await request.put(`${base}/${id}`, { headers: json(token), data: bad })).status(), JSON.stringify(bad)).toBe(400);
  }

  const configured = await request.put(`${base}/${id}`, {
    headers: json(token),
    data: { saml_idp_url: idp.ssoUrl, saml_entity_id: idp.entityId, saml_certificate: idp.certificate, saml_field_mapping: { email: 'mail' }, auth_token_max_age_seconds: 3600 },
  });
  expect(configured.status()).toBe(200);
  expect((await configured.json()).authentication_method).toMatchObject({
    state: 'active',
    authentication_method_enabled: false,
    saml_idp_url: idp.ssoUrl,
    saml_entity_id: idp.entityId,
    saml_certificate_subject: 'CN=test-idp.example.test',
    saml_certificate_issuer: 'CN=test-idp.example.test',
    saml_certificate_not_valid_after: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/),
    saml_field_mapping: { email: 'mail' },
    auth_token_max_age_seconds: 3600,
  });
  const enabled = await request.put(`${base}/${id}`, { headers: json(token), data: { authentication_method_enabled: true } });
  expect((await enabled.json()).authentication_method.authentication_method_enabled).toBe(true);

  const list = await (await request.get(base, { headers: auth(token) })).json();
  expect(list.authentication_methods.map((m: { authentication_method_id: string }) => m.authentication_method_id)).toEqual([id]);
  expect((await (await request.get(`${base}/${id}`, { headers: auth(token) })).json()).authentication_method.state).toBe('active');

  // The SP metadata: entity ID and ACS, public.
  const metadata = await request.get(`/v1/sso/saml/account/${accountId}/method/${id}/metadata`);
  expect(metadata.status()).toBe(200);
  const xml = await metadata.text();
  expect(xml).toContain(`entityID="${servers.main.url}/v1/sso/saml/account/${accountId}/method/${id}/metadata"`);
  expect(xml).toContain(`Location="${servers.main.url}/v1/sso/saml/account/${accountId}/method/${id}/acs"`);

  const deleted = await request.delete(`${base}/${id}`, { headers: auth(token) });
  expect(deleted.status()).toBe(200);
  expect((await request.get(`${base}/${id}`, { headers: auth(token) })).status()).toBe(404);
  expect((await request.get(`/v1/sso/saml/account/${accountId}/method/${id}/metadata`)).status()).toBe(404);
  for (const event of ['identity_provider.created', 'identity_provider.updated', 'identity_provider.deleted']) {
    expect((await auditOf(servers.main.database, { event, actorEmail: member.email })).length, event).toBeGreaterThan(0);
  }
});

test('only super admins of the organization reach its identity providers', async ({ request, member }) => {
  const admin = await login(request, member.email, member.password);
  const accountId = await accountIdOf(member.organizationName);
  const colleague = await seedOrgMember(servers.main.database, member.organizationId);
  const plain = await login(request, colleague.email, colleague.password);
  expect((await request.get(`/v1/account/${accountId}/authentication`, { headers: auth(plain) })).status()).toBe(403);
  expect((await request.get(`/v1/account/${accountId}/authentication`)).status()).toBe(401);
  expect((await request.get(`/v1/account/a000000000/authentication`, { headers: auth(admin) })).status()).toBe(404);
  const internal = await request.post(`/v1/account/${accountId}/authentication`, { headers: json(admin), data: { authentication_method_name: 'x', authentication_method_type: 'internal' } });
  expect(internal.status()).toBe(400);
});

/** An organization with an IdP and a member linked to it through the account link URL. */
async function linkedMember(request: Parameters<typeof login>[0], member: { email: string; password: string; organizationName: string; userId: string }, options: Record<string, unknown> = {}) {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), idp, options);
  const requestId = await startSignIn(request, configured, 'link', token);
  const linked = await postToAcs(request, configured, samlResponse(idp, configured, { nameId: `idp-${member.email}`, inResponseTo: requestId, attributes: { email: member.email } }));
  expect(linked.status(), await linked.text()).toBe(303);
  return { token, configured };
}

test('SP-initiated sign-in: a session recording saml:<id> in the cookie, honouring the max age', async ({ request, member }) => {
  const { configured } = await linkedMember(request, member, { auth_token_max_age_seconds: 7200 });
  const requestId = await startSignIn(request, configured);
  const response = await postToAcs(request, configured, samlResponse(idp, configured, { nameId: `idp-${member.email}`, inResponseTo: requestId }));
  expect(response.status()).toBe(303);
  expect(response.headers()['location']).toBe(`${servers.main.url}/`);
  const setCookie = response.headers()['set-cookie'];
  expect(setCookie).toMatch(/^next-auth\.session-token=pcls_[^;]+; Path=\/; Max-Age=7200; HttpOnly; SameSite=Lax$/);
  const session = sessionFromSetCookie(setCookie);
  const me = await request.get('/v1/me', { headers: auth(session) });
  expect(me.status()).toBe(200);
  expect((await me.json()).user.user).toBe(member.email);
  const tokens = await (await request.get('/v1/access_token', { headers: auth(session) })).json();
  const current = tokens.tokens.find((t: { currently_active: boolean }) => t.currently_active);
  expect(current).toMatchObject({ auth_method: `saml:${configured.methodId}`, max_age_seconds: 7200, kind: 'session' });
  expect((await auditOf(servers.main.database, { event: 'auth.sign_in', actorEmail: member.email })).some((e) => e.details.method === 'saml')).toBe(true);
});

test('after sign-in the ACS returns to the RelayState path the start carried, and only to a same-site path', async ({ request, member }) => {
  const { configured } = await linkedMember(request, member);
  const start = async (returnTo: string) => {
    const response = await request.get(`${configured.loginUrl}?purpose=signin&return_to=${encodeURIComponent(returnTo)}`, { maxRedirects: 0 });
    expect(response.status()).toBe(303);
    return readAuthnRequest(response.headers()['location']!);
  };
  const post = (requestId: string, relayState: string | null) =>
    request.post(configured.acsUrl, {
      form: { SAMLResponse: samlResponse(idp, configured, { nameId: `idp-${member.email}`, inResponseTo: requestId }), ...(relayState === null ? {} : { RelayState: relayState }) },
      maxRedirects: 0,
    });

  const started = await start('/admin/users?page=2');
  expect(started.relayState).toBe('/admin/users?page=2');
  const back = await post(started.id, started.relayState);
  expect(back.status()).toBe(303);
  expect(back.headers()['location']).toBe(`${servers.main.url}/admin/users?page=2`);

  // The start refuses to carry another site; a RelayState changed on the way is not followed either.
  expect((await start('https://evil.example/')).relayState).toBeNull();
  for (const forged of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
    const again = await post((await start('/')).id, forged);
    expect(again.status()).toBe(303);
    expect(again.headers()['location']).toBe(`${servers.main.url}/`);
  }
});

type Refusal = {
  name: string;
  reason: string;
  /** The ACS page's own status for this refusal (lib/saml/errors.ts), written out here on purpose. */
  status: 400 | 403;
  text: RegExp;
  options?: Record<string, unknown>;
  make: (configured: ConfiguredIdp, requestId: string, nameId: string) => string;
};

const refusals: Refusal[] = [
  { name: 'wrong certificate', reason: 'signature', status: 400, text: /does not verify with any configured certificate/, make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, key: impostor }) },
  { name: 'unsigned assertion where one is required', reason: 'assertion_unsigned', status: 400, text: /requires signed assertions/, make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, signAssertion: false, signResponse: true }) },
  {
    name: 'expired assertion',
    reason: 'expired',
    status: 400,
    text: /has expired/,
    make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, notBefore: new Date(Date.now() - 3_600_000), notOnOrAfter: new Date(Date.now() - 900_000) }),
  },
  { name: 'wrong audience', reason: 'audience', status: 400, text: /meant for another service provider/, make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, audience: 'https://other.example.test/metadata' }) },
  { name: 'wrong destination', reason: 'destination', status: 400, text: /addressed to https:\/\/other\.example\.test\/acs/, make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, destination: 'https://other.example.test/acs' }) },
  { name: 'wrong recipient', reason: 'recipient', status: 400, text: /Recipient is https:\/\/other\.example\.test\/acs/, make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, recipient: 'https://other.example.test/acs' }) },
  { name: 'issuer not the configured one', reason: 'issuer', status: 400, text: /not by the configured IdP entity ID/, make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, issuer: 'https://evil.example.test/saml' }) },
  {
    name: 'Response Issuer not the configured one (the Assertion Issuer is)',
    reason: 'issuer',
    status: 400,
    text: /The response was issued by &#34;https:\/\/evil\.example\.test\/saml&#34;/,
    make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, responseIssuer: 'https://evil.example.test/saml' }),
  },
  {
    name: 'NotBefore 120 s ahead, beyond the 60 s clock skew',
    reason: 'not_yet_valid',
    status: 400,
    text: /not valid yet/,
    make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, notBefore: new Date(Date.now() + 120_000), notOnOrAfter: new Date(Date.now() + 600_000) }),
  },
  {
    // A hostile IdP of the member's organization names the member's address: the address is on
    // no domain this organization verified and linked to the IdP, so it signs nobody in.
    name: 'an IdP asserts the address of an existing account it is not linked to',
    reason: 'not_linked',
    status: 403,
    text: /No Portcullis account is linked to this .* identity/,
    make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, attributes: { email: n } }),
  },
  { name: 'IdP-initiated while off', reason: 'idp_initiated_disabled', status: 403, text: /IdP-initiated sign-in is off/, make: (c, _r, n) => samlResponse(idp, c, { nameId: n }) },
  {
    name: 'tampered attribute',
    reason: 'signature',
    status: 400,
    text: /signed content was changed/,
    make: (c, r, n) => samlResponse(idp, c, { nameId: n, inResponseTo: r, attributes: { role: 'member' }, tamper: (xml) => xml.replace('>member<', '>admin<') }),
  },
  {
    name: 'signature wrapping',
    reason: 'signature',
    status: 400,
    text: /more than one assertion/,
    make: (c, r, n) =>
      samlResponse(idp, c, {
        nameId: n,
        inResponseTo: r,
        tamper: (xml) => {
          const start = xml.indexOf('<saml:Assertion');
          const end = xml.indexOf('</saml:Assertion>') + '</saml:Assertion>'.length;
          const evil = xml.slice(start, end).replace(/ID="[^"]+"/, 'ID="_evil"').replace(/<ds:Signature[\s\S]*<\/ds:Signature>/, '').replace(/NotOnOrAfter="[^"]+"/g, 'NotOnOrAfter="2099-01-01T00:00:00Z"');
          return xml.slice(0, start) + evil + xml.slice(start);
        },
      }),
  },
];

test('each refused response shows its reason and is audited', async ({ request, member }) => {
  const { configured } = await linkedMember(request, member);
  // The NameID is the member's address: refusals are audited under the address claimed.
  const nameId = member.email;
  for (const refusal of refusals) {
    const requestId = await startSignIn(request, configured);
    const response = await postToAcs(request, configured, refusal.make(configured, requestId, nameId));
    expect(response.status(), refusal.name).toBe(refusal.status);
    expect(response.headers()['set-cookie'], refusal.name).toBeUndefined();
    const html = await response.text();
    expect(html, refusal.name).toContain(`data-reason="${refusal.reason}"`);
    expect(html, refusal.name).toMatch(refusal.text);
  }
  const failed = (await auditOf(servers.main.database, { event: 'auth.sign_in_failed', actorEmail: member.email })).filter((e) => e.details.method === 'saml');
  // Newest first; the refused responses name the linked member, so the audit names them.
  expect(failed.map((e) => e.details.reason).reverse()).toEqual(refusals.map((r) => r.reason));
});

test('after a good response: an identity linked elsewhere (409), a deactivated account and an address outside the allowlist (403)', async ({ request, member }) => {
  const { configured } = await linkedMember(request, member);
  const subject = `idp-${member.email}`;
  // The link itself signed the member in once.
  const samlSessions = async () => (await tokensOf(servers.main.database, member.userId)).filter((t) => t.authMethod === `saml:${configured.methodId}`).length;
  const before = await samlSessions();
  const refusedWith = async (response: Awaited<ReturnType<typeof postToAcs>>, status: number, reason: string, text: RegExp) => {
    expect(response.status(), reason).toBe(status);
    expect(response.headers()['set-cookie'], reason).toBeUndefined();
    const html = await response.text();
    expect(html, reason).toContain(`data-reason="${reason}"`);
    expect(html, reason).toMatch(text);
  };

  // A colleague links "their" account to the IdP identity that is the member's.
  const colleague = await seedOrgMember(servers.main.database, member.organizationId);
  const colleagueToken = await login(request, colleague.email, colleague.password);
  const link = await startSignIn(request, configured, 'link', colleagueToken);
  await refusedWith(
    await postToAcs(request, configured, samlResponse(idp, configured, { nameId: subject, inResponseTo: link })),
    409,
    'already_linked',
    /is already linked to another Portcullis account/,
  );
  expect(await identitiesOf(servers.main.database, colleague.userId)).toHaveLength(0);

  // The organization's IP allowlist leaves the client out.
  const outside = await startSignIn(request, configured);
  await setAllowlist(servers.main.database, member.organizationId, ['10.0.0.0/8']);
  await refusedWith(
    await postToAcs(request, configured, samlResponse(idp, configured, { nameId: subject, inResponseTo: outside, attributes: { email: member.email } })),
    403,
    'ip_not_allowed',
    /IP address .+ is not in your organization&#39;s IP allowlist\./,
  );
  await setAllowlist(servers.main.database, member.organizationId, []);

  // The account is deactivated.
  const deactivated = await startSignIn(request, configured);
  await setUserState(servers.main.database, member.userId, 'deactivated');
  await refusedWith(
    await postToAcs(request, configured, samlResponse(idp, configured, { nameId: subject, inResponseTo: deactivated, attributes: { email: member.email } })),
    403,
    'deactivated',
    /This user account is deactivated\./,
  );
  expect(await samlSessions()).toBe(before);
  const failed = (await auditOf(servers.main.database, { event: 'auth.sign_in_failed', actorEmail: member.email })).filter((e) => e.details.method === 'saml');
  expect(failed.map((e) => e.details.reason).slice(0, 2)).toEqual(['deactivated', 'ip_not_allowed']);
});

test('a replayed response is refused, with its reason, and audited', async ({ request, member }) => {
  const token = await login(request, member.email, member.password);
  const configured = await configureIdp(request, token, await accountIdOf(member.organizationName), idp, { saml_idp_login_allowed: true });
  const link = await startSignIn(request, configured, 'link', token);
  await postToAcs(request, configured, samlResponse(idp, configured, { nameId: member.email, inResponseTo: link }));
  // IdP-initiated (allowed here): no request of ours is used up, so only the replay store stops a second use.
  const once = samlResponse(idp, configured, { nameId: member.email });
  expect((await postToAcs(request, configured, once)).status()).toBe(303);
  const again = await postToAcs(request, configured, once);
  expect(again.status()).toBe(400);
  const html = await again.text();
  expect(html).toContain('data-reason="replay"');
  expect(html).toMatch(/was already used/);
  const failed = await auditOf(servers.main.database, { event: 'auth.sign_in_failed', actorEmail: member.email });
  expect(failed[0]!.details).toMatchObject({ method: 'saml', reason: 'replay' });
});

test('policy: SAML off refuses sign-in; other organizations\' IdPs only while allowed', async ({ request, member }) => {
  const { configured, token } = await linkedMember(request, member);
  await setPolicy(servers.main.database, member.organizationId, { samlEnabled: false });
  const refused = await request.get(configured.loginUrl, { maxRedirects: 0 });
  expect(refused.status()).toBe(403);
  expect(await refused.text()).toMatch(/does not allow sign-in with SAML single sign-on/);
  await setPolicy(servers.main.database, member.organizationId, { samlEnabled: true });

  // A session through this IdP; then the member's other organization refuses external IdPs.
  const requestId = await startSignIn(request, configured);
  const session = sessionFromSetCookie((await postToAcs(request, configured, samlResponse(idp, configured, { nameId: `idp-${member.email}`, inResponseTo: requestId }))).headers()['set-cookie']);
  expect((await request.get('/v1/me', { headers: auth(session) })).status()).toBe(200);
  const other = await seedMember(servers.main.database);
  await addMembership(servers.main.database, other.organizationId, member.userId);
  await setPolicy(servers.main.database, other.organizationId, { samlAllowExternal: false });
  const me = await request.get('/v1/me', { headers: auth(session) });
  expect(me.status()).toBe(403);
  expect((await me.json()).message).toMatch(/does not allow sign-in through identity providers of other organizations/);
  // The password session is not affected.
  expect((await request.get('/v1/me', { headers: auth(token) })).status()).toBe(200);
});
