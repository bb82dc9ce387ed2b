import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { challengeValue } from './challenge';
import { checkHttpChallenge } from './http-check';
import { lookupSettings } from './settings';

// The HTTP alternative against a real web server on 127.0.0.1, reached through the tests-only
// base override with the domain in the Host header, as a virtual host would be. Loopback is a
// private address: these run with OUTBOUND_ALLOW_PRIVATE=all, as the e2e main server does.

const TOKEN = 'feedfacefeedfacefeedfacefeedface';
const files: Record<string, (res: http.ServerResponse) => void> = {
  'ok.test': (res) => res.end(`${challengeValue(TOKEN)}\n`),
  'wrong.test': (res) => res.end('token=other,expiry=never'),
  'gone.test': (res) => ((res.statusCode = 404), res.end('not found')),
  'moved.test': (res) => (res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }), res.end()),
  'huge.test': (res) => res.end(`${challengeValue(TOKEN)}${' '.repeat(10_000)}`),
  'slow.test': () => undefined,
};
const seen: { host?: string; url?: string }[] = [];
let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ host: req.headers.host, url: req.url });
    const serve = req.url === '/.well-known/portcullis-challenge' ? files[req.headers.host ?? ''] : undefined;
    if (serve) return serve(res);
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => {
  server.closeAllConnections();
  server.close();
});

describe('checkHttpChallenge', () => {
  it.each([
    ['ok.test', 'verified'],
    ['wrong.test', 'mismatch'],
    ['gone.test', 'http_status'],
    // A redirect is not followed (it could point anywhere, the metadata service included).
    ['moved.test', 'http_status'],
    ['huge.test', 'mismatch'],
  ])('%s → %s', async (domain, status) => {
    const result = await checkHttpChallenge(domain, TOKEN, { httpBase: base, timeoutMs: 2000, outbound: 'all' });
    expect(result.status).toBe(status);
    expect(result.target).toBe(`https://${domain}/.well-known/portcullis-challenge`);
  });

  it('asks for the well-known path with the domain as Host', async () => {
    seen.length = 0;
    await checkHttpChallenge('ok.test', TOKEN, { httpBase: base, timeoutMs: 2000, outbound: 'all' });
    expect(seen).toEqual([{ host: 'ok.test', url: '/.well-known/portcullis-challenge' }]);
  });

  it('reports the status it got', async () => {
    expect((await checkHttpChallenge('gone.test', TOKEN, { httpBase: base, timeoutMs: 2000, outbound: 'all' })).http_status).toBe(404);
    expect((await checkHttpChallenge('moved.test', TOKEN, { httpBase: base, timeoutMs: 2000, outbound: 'all' })).http_status).toBe(302);
  });

  it('a server that never answers ends as a timeout', async () => {
    const started = Date.now();
    const result = await checkHttpChallenge('slow.test', TOKEN, { httpBase: base, timeoutMs: 300, outbound: 'all' });
    expect(result.status).toBe('timeout');
    expect(Date.now() - started).toBeLessThan(1500);
  });

  // The HTTP check follows OUTBOUND_ALLOW_PRIVATE: only `all` lets it reach private addresses.
  it.each([
    ['jwks', 'address_refused'],
    ['none', 'address_refused'],
    ['all', 'verified'],
  ] as const)('with OUTBOUND_ALLOW_PRIVATE=%s the file on loopback → %s', async (outbound, status) => {
    seen.length = 0;
    const result = await checkHttpChallenge('ok.test', TOKEN, { httpBase: base, timeoutMs: 2000, outbound });
    expect(result.status).toBe(status);
    if (status === 'address_refused') {
      expect(result.detail).toMatch(/^127\.0\.0\.1 is a loopback address; OUTBOUND_ALLOW_PRIVATE=\w+ does not let the domain HTTP check reach private or loopback addresses/);
      // Refused before connecting: the server never saw the request.
      expect(seen).toEqual([]);
    }
  });

  it('never connects to a name that resolves to loopback (default setting)', async () => {
    const result = await checkHttpChallenge('localhost', TOKEN, { httpBase: null, timeoutMs: 2000, outbound: 'jwks' });
    expect(result.status).toBe('address_refused');
    expect(result.detail).toMatch(/loopback/);
  });

  it('never connects to metadata addresses, even with OUTBOUND_ALLOW_PRIVATE=all', async () => {
    const resolve = async () => [{ address: '169.254.169.254', family: 4 }];
    const result = await checkHttpChallenge('evil.test', TOKEN, { httpBase: null, timeoutMs: 2000, outbound: 'all', resolve });
    expect(result).toMatchObject({ status: 'address_refused', detail: 'evil.test resolves to 169.254.169.254, link-local (cloud metadata services live here)' });
  });

  it('a name that does not resolve is NXDOMAIN', async () => {
    const resolve = async () => {
      throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
    };
    expect((await checkHttpChallenge('gone.invalid', TOKEN, { httpBase: null, timeoutMs: 2000, outbound: 'all', resolve })).status).toBe('nxdomain');
  });
});

describe('lookupSettings', () => {
  it('reads DNS_SERVERS, the timeout and the HTTP base', () => {
    expect(lookupSettings({})).toEqual({ dnsServers: [], timeoutMs: 8000, httpBase: null, outbound: 'jwks' });
    expect(
      lookupSettings({ DNS_SERVERS: ' 127.0.0.1:5353, [::1]:53 ,', DOMAIN_VERIFICATION_TIMEOUT_MS: '1500', DOMAIN_HTTP_VERIFICATION_BASE: 'http://127.0.0.1:8080', OUTBOUND_ALLOW_PRIVATE: 'all' }),
    ).toEqual({ dnsServers: ['127.0.0.1:5353', '[::1]:53'], timeoutMs: 1500, httpBase: 'http://127.0.0.1:8080', outbound: 'all' });
  });

  it.each([
    [{ DOMAIN_VERIFICATION_TIMEOUT_MS: '0' }],
    [{ DOMAIN_VERIFICATION_TIMEOUT_MS: 'soon' }],
    [{ DOMAIN_VERIFICATION_TIMEOUT_MS: '600000' }],
    [{ DOMAIN_HTTP_VERIFICATION_BASE: 'http://127.0.0.1:8080/path' }],
    [{ DOMAIN_HTTP_VERIFICATION_BASE: 'ftp://127.0.0.1' }],
    [{ OUTBOUND_ALLOW_PRIVATE: 'yes' }],
  ])('refuses %j', (env) => {
    expect(() => lookupSettings(env)).toThrow();
  });
});
