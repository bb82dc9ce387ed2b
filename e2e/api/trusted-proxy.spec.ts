import { expect, login, test, auth } from '../support/fixtures';
import { envAdminPassword, servers } from '../support/env';
import { organizationByName, setAllowlist } from '../support/seed';

// The "proxied" server runs with TRUSTED_PROXIES=127.0.0.1/32: requests from the test come from
// 127.0.0.1, a trusted proxy, so the right-most X-Forwarded-For entry that is not a trusted
// proxy is the client. Its organization allows 203.0.113.0/24 only.
const { url, database } = servers.proxied;

test.describe.configure({ mode: 'serial' });

test('uses the right-most untrusted X-Forwarded-For address behind a trusted proxy', async ({ request }) => {
  const organization = (await organizationByName(database, 'Proxied Test Org'))!;
  await setAllowlist(database, organization.id, []);
  const token = await login(request, 'admin@proxied.test', envAdminPassword, url);
  await setAllowlist(database, organization.id, ['203.0.113.0/24']);
  try {
    const call = (forwardedFor?: string) =>
      request.get(`${url}/v1/me`, { headers: forwardedFor ? { ...auth(token), 'x-forwarded-for': forwardedFor } : auth(token) });

    // No header: the trusted proxy itself (127.0.0.1) is the client, and it is not allowed.
    expect((await call()).status()).toBe(403);
    expect((await call('203.0.113.7')).status()).toBe(200);
    // A client-forged left-most entry is ignored: the proxy appended the real address.
    expect((await call('203.0.113.7, 198.51.100.9')).status()).toBe(403);
    expect((await (await call('203.0.113.7, 198.51.100.9')).json()).message).toContain('198.51.100.9');
    // Trusted hops (127.0.0.1) on the right are skipped.
    expect((await call('198.51.100.9, 203.0.113.7, 127.0.0.1')).status()).toBe(200);
  } finally {
    await setAllowlist(database, organization.id, []);
  }
});

test('failed sign-ins are limited per client address, as the trusted proxy reports it', async ({ request }) => {
  const client = `198.51.100.${Math.floor(Math.random() * 200) + 20}`;
  const attempt = (email: string, password: string, forwardedFor = client) =>
    request.post(`${url}/v1/userauth`, { data: { email, password }, headers: { 'x-forwarded-for': forwardedFor } });
  // 20 failures over 20 different accounts: no account limit is reached, the address's is.
  for (let i = 0; i < 20; i++) expect((await attempt(`spray-${i}@proxied.test`, 'guess')).status()).toBe(401);
  const limited = await attempt('admin@proxied.test', envAdminPassword);
  expect(limited.status()).toBe(429);
  expect((await limited.json()).message).toMatch(/Too many failed sign-in attempts from your address/);
  // Another address is not affected.
  expect((await attempt('admin@proxied.test', envAdminPassword, '198.51.100.250')).status()).toBe(200);
});

// An IPv6 client holds a whole /64: rotating the last 64 bits must not buy fresh attempts.
// Before, each address had its own counter.
test('failed sign-ins from IPv6 count per /64', async ({ request }) => {
  const prefix = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:${Math.floor(Math.random() * 0xffff).toString(16)}`;
  const attempt = (email: string, password: string, forwardedFor: string) =>
    request.post(`${url}/v1/userauth`, { data: { email, password }, headers: { 'x-forwarded-for': forwardedFor } });
  for (let i = 0; i < 20; i++) expect((await attempt(`spray6-${i}@proxied.test`, 'guess', `${prefix}::${(i + 1).toString(16)}`)).status()).toBe(401);
  const limited = await attempt('admin@proxied.test', envAdminPassword, `${prefix}:dead:beef:cafe:1`);
  expect(limited.status()).toBe(429);
  expect((await limited.json()).message).toMatch(/Too many failed sign-in attempts from your address/);
  // The next /64 over is another client.
  const neighbour = `2001:db8:${Math.floor(Math.random() * 0xffff).toString(16)}:1::1`;
  expect((await attempt('admin@proxied.test', envAdminPassword, neighbour)).status()).toBe(200);
});
