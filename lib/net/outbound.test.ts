import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@/lib/testing/jwks-server';
import { addressRefusal, fetchText, hostNameRefusal, OutboundError, resolveAllowed } from './outbound';

describe('addressRefusal', () => {
  it.each([
    ['169.254.169.254', /link-local/],
    ['169.254.0.1', /link-local/],
    ['169.254.255.255', /link-local/],
    ['::ffff:169.254.169.254', /link-local/],
    ['fe80::1', /link-local/],
    ['fe80::1%eth0', /link-local/],
    ['febf:ffff::1', /link-local/],
    ['fd00:ec2::254', /AWS metadata/],
    ['100.100.100.200', /Alibaba/],
    ['168.63.129.16', /Azure/],
    ['64:ff9b::a9fe:a9fe', /NAT64/],
    ['0.0.0.0', /unspecified/],
    ['::', /unspecified/],
    ['not-an-ip', /not an IP address/],
  ])('refuses %s', (address, why) => expect(addressRefusal(address)).toMatch(why));

  it.each(['127.0.0.1', '::1', '10.0.0.5', '192.168.1.10', '169.253.255.255', '169.255.0.1', 'fec0::1', '8.8.8.8', '2001:db8::1'])(
    'allows %s',
    (address) => expect(addressRefusal(address)).toBeNull(),
  );
});

describe('hostNameRefusal', () => {
  it.each(['metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata', 'instance-data', 'metadata.azure.com'])('refuses %s', (host) =>
    expect(hostNameRefusal(host)).toMatch(/metadata service/),
  );
  it.each(['idp.example.com', 'localhost', 'metadata.example.com'])('allows %s', (host) => expect(hostNameRefusal(host)).toBeNull());
});

describe('resolveAllowed', () => {
  const resolver = (answers: Record<string, string[]>) => async (host: string) =>
    (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));

  it('resolves the name first and checks every address', async () => {
    const resolve = resolver({ 'good.test': ['10.0.0.1'], 'sneaky.test': ['10.0.0.1', '169.254.169.254'], 'v6.test': ['fe80::5'] });
    await expect(resolveAllowed(new URL('http://good.test/'), resolve)).resolves.toEqual({ address: '10.0.0.1', family: 4 });
    await expect(resolveAllowed(new URL('http://sneaky.test/'), resolve)).rejects.toThrow(/sneaky.test resolves to 169.254.169.254 is link-local/);
    await expect(resolveAllowed(new URL('http://v6.test/'), resolve)).rejects.toThrow(/fe80::5 is link-local/);
    await expect(resolveAllowed(new URL('http://none.test/'), resolve)).rejects.toThrow(/no addresses/);
  });

  it('checks address literals in every spelling the URL parser accepts', async () => {
    for (const url of ['http://169.254.169.254/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/']) {
      await expect(resolveAllowed(new URL(url)), url).rejects.toThrow(OutboundError);
    }
    await expect(resolveAllowed(new URL('http://metadata.google.internal/'))).rejects.toThrow(/metadata service/);
  });
});

describe('fetchText', () => {
  let server: Awaited<ReturnType<typeof startServer>>;
  beforeAll(async () => {
    server = await startServer({
      '/ok': (_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}'),
      '/big': (_req, res) => res.writeHead(200, { 'content-length': '2048' }).end('x'.repeat(2048)),
      '/stream': (_req, res) => {
        res.writeHead(200);
        for (let i = 0; i < 64; i++) res.write('y'.repeat(64));
        res.end();
      },
      '/slow': () => undefined,
    });
  });
  afterAll(() => server.close());

  it('fetches from loopback', async () => {
    expect(await fetchText(server.url('/ok'))).toMatchObject({ status: 200, body: '{"keys":[]}', address: '127.0.0.1' });
  });

  it('stops at the size limit, declared or streamed', async () => {
    await expect(fetchText(server.url('/big'), { maxBytes: 1024 })).rejects.toThrow(/2048 bytes; the limit is 1024/);
    await expect(fetchText(server.url('/stream'), { maxBytes: 1024 })).rejects.toThrow(/larger than the limit of 1024 bytes/);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    await expect(fetchText(server.url('/slow'), { timeoutMs: 300 })).rejects.toThrow(/No answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['file:///etc/passwd', /Only http and https/],
    ['ftp://example.com/', /Only http and https/],
    ['http://user:pw@127.0.0.1/', /user name or password/],
    ['nonsense', /Not a URL/],
  ])('refuses %s', async (url, message) => {
    await expect(fetchText(url)).rejects.toThrow(message);
  });

  it('connects to the address it checked, not to a second lookup', async () => {
    const port = new URL(server.url('/')).port;
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    expect((await fetchText(`http://idp.invalid:${port}/ok`, { resolve })).status).toBe(200);
    expect(calls).toBe(1);
  });
});
