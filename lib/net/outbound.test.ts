import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer } from '@/lib/testing/jwks-server';
import {
  addressRefusal,
  classifyAddress,
  fetchText,
  hostNameRefusal,
  OutboundError,
  outboundGet,
  outboundSetting,
  privateAddressesAllowed,
  resolveAllowed,
  type OutboundPurpose,
  type OutboundSetting,
} from './outbound';

/** `[address, why]` cases from `[why, addresses]` groups, so that each reason is written once. */
const byReason = (groups: [RegExp, string[]][]) => groups.flatMap(([why, addresses]) => addresses.map((address) => [address, why] as const));

describe('classifyAddress', () => {
  it.each(
    byReason([
      [/link-local/, ['169.254.169.254', '169.254.0.1', '169.254.255.255', '::ffff:169.254.169.254', 'fe80::1', 'fe80::1%eth0', 'febf:ffff::1']],
      [/AWS metadata/, ['fd00:ec2::254']],
      [/Alibaba/, ['100.100.100.200']],
      [/Azure/, ['168.63.129.16']],
      [/link-local .*through rfc6052/, ['64:ff9b::a9fe:a9fe']],
      [/link-local .*through 6to4/, ['2002:a9fe:a9fe::1']],
      // Teredo carries the client address inverted, both halves: 168.63.129.16 (a /32).
      [/Azure .*through teredo/, ['2001:0:4136:e378:8000:63bf:57c0:7eef']],
      [/unspecified/, ['0.0.0.0', '0.1.2.3', '::']],
      [/multicast/, ['224.0.0.1', 'ff02::1']],
      [/broadcast/, ['255.255.255.255']],
      [/not an IP address/, ['not-an-ip']],
    ]),
  )('never fetched: %s', (address, why) => {
    const found = classifyAddress(address);
    expect(found.kind).toBe('refused');
    expect(found.kind === 'refused' && found.why).toMatch(why);
  });

  it.each(
    byReason([
      [/loopback/, ['127.0.0.1', '127.5.6.7', '::1', '::ffff:127.0.0.1']],
      [/private/, ['10.0.0.5', '172.16.0.1', '172.31.255.255', '192.168.1.10', '::ffff:192.168.1.10']],
      [/carrier-grade NAT/, ['100.64.0.1']],
      [/unique local/, ['fd12:3456::1']],
      [/site-local/, ['fec0::1']],
      // One address in every reserved range: each entry of PRIVATE_RANGES is needed.
      [/reserved/, ['192.0.0.8', '192.0.2.1', '198.18.0.1', '198.19.255.254', '198.51.100.7', '203.0.113.9', '240.0.0.1']],
      [/loopback .*through rfc6052/, ['64:ff9b::7f00:1']],
      [/private .*through rfc6052/, ['64:ff9b::a00:1']],
      [/loopback .*through 6to4/, ['2002:7f00:1::1']],
      [/loopback .*through teredo/, ['2001:0:4136:e378:8000:63bf:80ff:fffe']],
    ]),
  )('private: %s', (address, why) => {
    const found = classifyAddress(address);
    expect(found.kind).toBe('private');
    expect(found.kind === 'private' && found.why).toMatch(why);
  });

  it.each(['8.8.8.8', '93.184.216.34', '169.253.255.255', '169.255.0.1', '172.32.0.1', '100.128.0.1', '2001:4860:4860::8888', '64:ff9b::808:808'])(
    'public: %s',
    (address) => expect(classifyAddress(address)).toEqual({ kind: 'public' }),
  );
});

describe('OUTBOUND_ALLOW_PRIVATE', () => {
  it.each([
    [{}, 'jwks'],
    [{ OUTBOUND_ALLOW_PRIVATE: '' }, 'jwks'],
    [{ OUTBOUND_ALLOW_PRIVATE: 'jwks' }, 'jwks'],
    [{ OUTBOUND_ALLOW_PRIVATE: 'none' }, 'none'],
    [{ OUTBOUND_ALLOW_PRIVATE: ' ALL ' }, 'all'],
  ])('%j → %s', (env, setting) => expect(outboundSetting(env)).toBe(setting));

  it.each(['yes', 'true', 'domain_check', 'jwks,all'])('refuses %s at start, naming the variable', (value) =>
    expect(() => outboundSetting({ OUTBOUND_ALLOW_PRIVATE: value })).toThrow(/OUTBOUND_ALLOW_PRIVATE must be one of jwks, none, all/),
  );

  // setting × purpose → may a private or loopback address be reached
  it.each([
    ['jwks', 'jwks', true],
    ['jwks', 'domain_check', false],
    ['jwks', 'webhook', false],
    ['none', 'jwks', false],
    ['none', 'domain_check', false],
    ['none', 'webhook', false],
    ['all', 'jwks', true],
    ['all', 'domain_check', true],
    ['all', 'webhook', true],
  ] as const)('%s lets %s reach private addresses: %s', (setting, purpose, allowed) =>
    expect(privateAddressesAllowed(setting, purpose)).toBe(allowed),
  );
});

describe('resolveAllowed: setting × purpose × address kind', () => {
  const resolve = async (host: string) => {
    const answers: Record<string, string[]> = {
      'public.test': ['93.184.216.34'],
      'loopback.test': ['127.0.0.1'],
      'private.test': ['10.1.2.3'],
      'private6.test': ['fd00::5'],
      'mixed.test': ['93.184.216.34', '192.168.0.9'],
      'metadata.test': ['169.254.169.254'],
      'sneaky.test': ['93.184.216.34', '169.254.169.254'],
    };
    return (answers[host] ?? []).map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
  };
  const settings: OutboundSetting[] = ['jwks', 'none', 'all'];
  const purposes: OutboundPurpose[] = ['jwks', 'domain_check', 'webhook'];
  const cases = settings.flatMap((setting) =>
    purposes.flatMap((purpose) => {
      const privateOk = setting === 'all' || (setting === 'jwks' && purpose === 'jwks');
      return [
        { setting, purpose, host: 'public.test', ok: true },
        { setting, purpose, host: 'loopback.test', ok: privateOk },
        { setting, purpose, host: 'private.test', ok: privateOk },
        { setting, purpose, host: 'private6.test', ok: privateOk },
        { setting, purpose, host: 'mixed.test', ok: privateOk },
        { setting, purpose, host: 'metadata.test', ok: false },
        { setting, purpose, host: 'sneaky.test', ok: false },
        { setting, purpose, host: '[::ffff:7f00:1]', ok: privateOk },
        { setting, purpose, host: '169.254.169.254', ok: false },
      ];
    }),
  );
  it.each(cases)('$setting, $purpose, $host → allowed: $ok', async ({ setting, purpose, host, ok }) => {
    const attempt = resolveAllowed(new URL(`http://${host}/`), { purpose, setting, resolve });
    if (ok) await expect(attempt).resolves.toMatchObject({ address: expect.any(String) });
    else await expect(attempt).rejects.toMatchObject({ code: 'refused' });
  });

  it('says which address and which setting refused it', async () => {
    await expect(resolveAllowed(new URL('http://private.test/'), { purpose: 'domain_check', setting: 'jwks', resolve })).rejects.toThrow(
      'Refused: private.test resolves to 10.1.2.3, a private address; OUTBOUND_ALLOW_PRIVATE=jwks does not let the domain HTTP check reach private or loopback addresses',
    );
    await expect(resolveAllowed(new URL('http://sneaky.test/'), { purpose: 'jwks', setting: 'all', resolve })).rejects.toThrow(
      'Refused: sneaky.test resolves to 169.254.169.254, link-local (cloud metadata services live here)',
    );
    await expect(resolveAllowed(new URL('http://none.test/'), { purpose: 'jwks', setting: 'all', resolve })).rejects.toMatchObject({
      code: 'unresolved',
      message: 'Could not resolve none.test: no addresses',
    });
  });

  it('checks address literals in every spelling the URL parser accepts', async () => {
    for (const url of ['http://169.254.169.254/', 'http://2852039166/', 'http://0xa9.0xfe.0xa9.0xfe/', 'http://[::ffff:169.254.169.254]/', 'http://[fe80::1]/']) {
      await expect(resolveAllowed(new URL(url), { purpose: 'jwks', setting: 'all' }), url).rejects.toThrow(OutboundError);
    }
    for (const url of ['http://2130706433/', 'http://0x7f.1/', 'http://[::ffff:127.0.0.1]/', 'http://[64:ff9b::7f00:1]/']) {
      await expect(resolveAllowed(new URL(url), { purpose: 'domain_check', setting: 'jwks' }), url).rejects.toThrow(/loopback/);
    }
    await expect(resolveAllowed(new URL('http://metadata.google.internal/'), { purpose: 'jwks', setting: 'all' })).rejects.toThrow(/metadata service/);
  });
});

describe('addressRefusal', () => {
  it.each([
    ['127.0.0.1', true, null],
    ['127.0.0.1', false, '127.0.0.1 is a loopback address'],
    ['8.8.8.8', false, null],
    ['169.254.169.254', true, '169.254.169.254 is link-local (cloud metadata services live here)'],
  ])('%s (private allowed: %s) → %s', (address, allowPrivate, refusal) => expect(addressRefusal(address, { allowPrivate })).toBe(refusal));
});

describe('hostNameRefusal', () => {
  it.each(['metadata.google.internal', 'METADATA.GOOGLE.INTERNAL.', 'metadata', 'instance-data', 'metadata.azure.com'])('refuses %s', (host) =>
    expect(hostNameRefusal(host)).toMatch(/metadata service/),
  );
  it.each(['idp.example.com', 'localhost', 'metadata.example.com'])('allows %s', (host) => expect(hostNameRefusal(host)).toBeNull());
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
      '/moved': (_req, res) => res.writeHead(302, { location: 'http://169.254.169.254/latest/meta-data/' }).end(),
    });
  });
  afterAll(() => server.close());

  it('fetches from loopback', async () => {
    expect(await fetchText(server.url('/ok'), { purpose: 'jwks', setting: 'jwks' })).toMatchObject({ status: 200, body: '{"keys":[]}', address: '127.0.0.1' });
  });

  it('reads OUTBOUND_ALLOW_PRIVATE when no setting is given', async () => {
    const saved = process.env.OUTBOUND_ALLOW_PRIVATE;
    try {
      process.env.OUTBOUND_ALLOW_PRIVATE = 'none';
      await expect(fetchText(server.url('/ok'), { purpose: 'jwks' })).rejects.toThrow(/OUTBOUND_ALLOW_PRIVATE=none does not let the JWKS check reach/);
      delete process.env.OUTBOUND_ALLOW_PRIVATE;
      expect((await fetchText(server.url('/ok'), { purpose: 'jwks' })).status).toBe(200);
      await expect(fetchText(server.url('/ok'), { purpose: 'webhook' })).rejects.toMatchObject({ code: 'refused' });
    } finally {
      if (saved === undefined) delete process.env.OUTBOUND_ALLOW_PRIVATE;
      else process.env.OUTBOUND_ALLOW_PRIVATE = saved;
    }
  });

  it('never follows a redirect: fetchText refuses it, outboundGet answers it', async () => {
    await expect(fetchText(server.url('/moved'), { purpose: 'jwks', setting: 'all' })).rejects.toMatchObject({
      code: 'redirect',
      message: 'HTTP 302: redirects are not followed; use the final URL (http://169.254.169.254/latest/meta-data/)',
    });
    expect(await outboundGet(server.url('/moved'), { purpose: 'domain_check', setting: 'all' })).toMatchObject({
      status: 302,
      location: 'http://169.254.169.254/latest/meta-data/',
    });
  });

  it('stops at the size limit, declared or streamed', async () => {
    await expect(fetchText(server.url('/big'), { purpose: 'jwks', setting: 'jwks', maxBytes: 1024 })).rejects.toThrow(/2048 bytes; the limit is 1024/);
    await expect(fetchText(server.url('/stream'), { purpose: 'jwks', setting: 'jwks', maxBytes: 1024 })).rejects.toThrow(/larger than the limit of 1024 bytes/);
  });

  it('gives up after the timeout', async () => {
    const started = Date.now();
    await expect(fetchText(server.url('/slow'), { purpose: 'jwks', setting: 'jwks', timeoutMs: 300 })).rejects.toThrow(/No answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it.each([
    ['file:///etc/passwd', /Only http and https/],
    ['ftp://example.com/', /Only http and https/],
    ['http://user:pw@127.0.0.1/', /user name or password/],
    ['http://user@127.0.0.1/', /user name or password/],
    ['http://:pw@127.0.0.1/', /user name or password/],
    ['nonsense', /Not a URL/],
  ])('refuses %s', async (url, message) => {
    await expect(fetchText(url, { purpose: 'jwks', setting: 'all' })).rejects.toThrow(message);
  });

  it('connects to the address it checked, not to a second lookup', async () => {
    const port = new URL(server.url('/')).port;
    let calls = 0;
    const resolve = async () => {
      calls++;
      return [{ address: '127.0.0.1', family: 4 }];
    };
    expect((await fetchText(`http://idp.invalid:${port}/ok`, { purpose: 'jwks', setting: 'jwks', resolve })).status).toBe(200);
    expect(calls).toBe(1);
  });
});
