import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import type { Env } from '@/lib/env';
import { parseCidr, type Cidr } from './cidr';

// Requests the server makes to URLs that people typed: a Kafka service's JWKS URL, a domain's
// HTTP challenge file, and any later webhook. Such a URL could point the server at what only it
// can reach: the cloud provider's instance metadata service (which hands out credentials), the
// host itself, or the private network behind it. So every such request goes through here:
// - the host name is resolved first and every address checked; one bad address refuses the
//   name (a resolver could hand out either), and the connection goes to exactly the address
//   checked (a second lookup could answer differently: DNS rebinding);
// - link-local, metadata, unspecified, multicast and broadcast addresses are never fetched;
// - private and loopback addresses only where the operator's OUTBOUND_ALLOW_PRIVATE lets that
//   purpose reach them: `jwks` (the default: an identity provider on the same host or network
//   is a normal setup), `none` or `all`;
// - a timeout and a size limit on each request, and redirects are never followed (the target
//   of one would escape the check).

/** What a fetch is for; OUTBOUND_ALLOW_PRIVATE decides per purpose. */
export type OutboundPurpose = 'jwks' | 'domain_check' | 'webhook';

/** OUTBOUND_ALLOW_PRIVATE: which purposes may reach private and loopback addresses. */
export const OUTBOUND_SETTINGS = ['jwks', 'none', 'all'] as const;
export type OutboundSetting = (typeof OUTBOUND_SETTINGS)[number];
export const OUTBOUND_SETTING_ENV = 'OUTBOUND_ALLOW_PRIVATE';

/** The operator's setting; unset means `jwks`. Anything else stops the server at start. */
export function outboundSetting(env: Env = process.env): OutboundSetting {
  const raw = env[OUTBOUND_SETTING_ENV]?.trim().toLowerCase();
  if (!raw) return 'jwks';
  if ((OUTBOUND_SETTINGS as readonly string[]).includes(raw)) return raw as OutboundSetting;
  throw new Error(`${OUTBOUND_SETTING_ENV} must be one of ${OUTBOUND_SETTINGS.join(', ')} (got "${env[OUTBOUND_SETTING_ENV]}")`);
}

/** Whether a fetch for this purpose may reach private and loopback addresses under the setting. */
export function privateAddressesAllowed(setting: OutboundSetting, purpose: OutboundPurpose): boolean {
  if (setting === 'all') return true;
  if (setting === 'none') return false;
  return purpose === 'jwks';
}

const PURPOSE_LABELS: Record<OutboundPurpose, string> = { jwks: 'the JWKS check', domain_check: 'the domain HTTP check', webhook: 'webhooks' };

/** Host names of instance metadata services (GCP, AWS, Azure, Alibaba, OpenStack...). */
export const METADATA_HOST_NAMES: readonly string[] = [
  'metadata',
  'metadata.google.internal',
  'metadata.goog',
  'metadata.azure.com',
  'instance-data',
  'instance-data.ec2.internal',
  'metadata.tencentyun.com',
  'metadata.platformequinix.com',
];

/** Addresses never fetched, whatever the setting: where metadata services live, and addresses that are no single host. */
export const REFUSED_RANGES: readonly { cidr: string; why: string }[] = [
  { cidr: '169.254.0.0/16', why: 'link-local (cloud metadata services live here)' },
  { cidr: 'fe80::/10', why: 'link-local' },
  { cidr: 'fd00:ec2::254/128', why: 'the AWS metadata service' },
  { cidr: '100.100.100.200/32', why: 'the Alibaba Cloud metadata service' },
  { cidr: '168.63.129.16/32', why: 'the Azure host service' },
  // 0.0.0.0 and the rest of 0/8 reach the host itself on Linux.
  { cidr: '0.0.0.0/8', why: 'the unspecified address' },
  { cidr: '::/128', why: 'the unspecified address' },
  { cidr: '224.0.0.0/4', why: 'multicast' },
  { cidr: 'ff00::/8', why: 'multicast' },
  { cidr: '255.255.255.255/32', why: 'broadcast' },
];

/** Private and loopback addresses: fetched only where OUTBOUND_ALLOW_PRIVATE allows the purpose. */
export const PRIVATE_RANGES: readonly { cidr: string; why: string }[] = [
  { cidr: '127.0.0.0/8', why: 'a loopback address' },
  { cidr: '::1/128', why: 'a loopback address' },
  { cidr: '10.0.0.0/8', why: 'a private address' },
  { cidr: '172.16.0.0/12', why: 'a private address' },
  { cidr: '192.168.0.0/16', why: 'a private address' },
  { cidr: '100.64.0.0/10', why: 'a shared (carrier-grade NAT) address' },
  { cidr: 'fc00::/7', why: 'a private (unique local) address' },
  { cidr: 'fec0::/10', why: 'a private (site-local) address' },
  // Reserved and test ranges (192.0.0.0/24, 198.18.0.0/15, 240.0.0.0/4, ...) are no public hosts either.
  { cidr: '192.0.0.0/24', why: 'a reserved address' },
  { cidr: '192.0.2.0/24', why: 'a reserved address' },
  { cidr: '198.18.0.0/15', why: 'a reserved address' },
  { cidr: '198.51.100.0/24', why: 'a reserved address' },
  { cidr: '203.0.113.0/24', why: 'a reserved address' },
  { cidr: '240.0.0.0/4', why: 'a reserved address' },
];

const compile = (ranges: readonly { cidr: string; why: string }[]) => ranges.map(({ cidr, why }) => ({ range: parseCidr(cidr)!, why }));
const refusedRanges = compile(REFUSED_RANGES);
const privateRanges = compile(PRIVATE_RANGES);

type Address = ipaddr.IPv4 | ipaddr.IPv6;

function inRanges(address: Address, ranges: { range: Cidr; why: string }[]): string | null {
  for (const { range, why } of ranges) {
    const [base, bits] = range;
    if (base.kind() === address.kind() && address.match(base as never, bits)) return why;
  }
  return null;
}

const ipv4FromBits = (high: number, low: number) => ipaddr.fromByteArray([high >> 8, high & 0xff, low >> 8, low & 0xff]) as ipaddr.IPv4;

/**
 * The IPv4 address an IPv6 one carries, where a translation or tunnel delivers it there: IPv4-
 * mapped and -translated (::ffff:a.b.c.d, ::ffff:0:a.b.c.d), NAT64 (64:ff9b::/96, 64:ff9b:1::/48),
 * 6to4 (2002:AABB:CCDD::) and Teredo (the client's address, inverted, in the last 32 bits).
 */
function embeddedIpv4(address: ipaddr.IPv6): ipaddr.IPv4 | null {
  const p = address.parts;
  switch (address.range()) {
    case 'ipv4Mapped':
    case 'rfc6145':
    case 'rfc6052':
      return ipv4FromBits(p[6]!, p[7]!);
    case '6to4':
      return ipv4FromBits(p[1]!, p[2]!);
    case 'teredo':
      return ipv4FromBits(~p[6]! & 0xffff, ~p[7]! & 0xffff);
    default:
      return null;
  }
}

export type AddressClass = { kind: 'public' } | { kind: 'private'; why: string } | { kind: 'refused'; why: string };

/** Whether an address is public, private (or loopback), or never fetched; with why. */
export function classifyAddress(text: string): AddressClass {
  let address: Address;
  try {
    address = ipaddr.parse(text.replace(/%.*$/, ''));
  } catch {
    return { kind: 'refused', why: 'not an IP address' };
  }
  const candidates: { address: Address; via: string }[] = [{ address, via: '' }];
  if (address.kind() === 'ipv6') {
    const inner = embeddedIpv4(address as ipaddr.IPv6);
    if (inner) candidates.push({ address: inner, via: address.range() === 'ipv4Mapped' ? '' : ` (through ${address.range()})` });
  }
  for (const { address: a, via } of candidates) {
    const why = inRanges(a, refusedRanges);
    if (why) return { kind: 'refused', why: why + via };
  }
  for (const { address: a, via } of candidates) {
    const why = inRanges(a, privateRanges);
    if (why) return { kind: 'private', why: why + via };
  }
  return { kind: 'public' };
}

/** Why an address may not be fetched (with private addresses allowed or not), or null when it may. */
export function addressRefusal(address: string, { allowPrivate }: { allowPrivate: boolean }): string | null {
  const found = classifyAddress(address);
  if (found.kind === 'public' || (found.kind === 'private' && allowPrivate)) return null;
  return `${address} is ${found.why}`;
}

/** Why a host name may not be fetched (a metadata service's name), or null. */
export function hostNameRefusal(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return METADATA_HOST_NAMES.includes(name) ? `${hostname} is a cloud metadata service` : null;
}

export type OutboundErrorCode = 'invalid_url' | 'refused' | 'unresolved' | 'timeout' | 'too_large' | 'redirect' | 'connection';

export class OutboundError extends Error {
  constructor(
    message: string,
    /** What went wrong, for callers that answer each case differently (the domain check). */
    readonly code: OutboundErrorCode = 'connection',
    /** The resolver's or socket's error code (ENOTFOUND, ECONNREFUSED, ...), when there is one. */
    readonly errno?: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The addresses of a URL's host, every one of them checked; throws OutboundError on any refusal. */
export async function resolveAllowed(
  url: URL,
  { purpose, setting, resolve = systemResolver }: { purpose: OutboundPurpose; setting: OutboundSetting; resolve?: Resolver },
): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const nameRefusal = hostNameRefusal(host);
  if (nameRefusal) throw new OutboundError(`Refused: ${nameRefusal}`, 'refused');
  let addresses: { address: string; family: number }[];
  const literal = ipaddr.isValid(host);
  if (literal) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code;
      throw new OutboundError(`Could not resolve ${host}: ${errno ?? String(error)}`, 'unresolved', errno);
    }
  }
  if (addresses.length === 0) throw new OutboundError(`Could not resolve ${host}: no addresses`, 'unresolved', 'ENOTFOUND');
  const allowPrivate = privateAddressesAllowed(setting, purpose);
  // One bad address refuses the name: a resolver could hand out either.
  for (const { address } of addresses) {
    const found = classifyAddress(address);
    const what = literal ? `${address} is` : `${host} resolves to ${address},`;
    if (found.kind === 'refused') throw new OutboundError(`Refused: ${what} ${found.why}`, 'refused');
    if (found.kind === 'private' && !allowPrivate) {
      throw new OutboundError(
        `Refused: ${what} ${found.why}; ${OUTBOUND_SETTING_ENV}=${setting} does not let ${PURPOSE_LABELS[purpose]} reach private or loopback addresses`,
        'refused',
      );
    }
  }
  return addresses[0]!;
}

export type FetchOptions = {
  purpose: OutboundPurpose;
  /** OUTBOUND_ALLOW_PRIVATE; read from the environment when not given. */
  setting?: OutboundSetting;
  timeoutMs?: number;
  maxBytes?: number;
  resolve?: Resolver;
  /** Extra request headers (the domain check sends the domain as Host to a test base). */
  headers?: Record<string, string>;
};
export type FetchedText = { status: number; contentType: string | null; body: string; address: string; location: string | null };

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BYTES = 256 * 1024;

const USER_AGENTS: Record<OutboundPurpose, string> = {
  jwks: 'Portcullis JWKS check',
  domain_check: 'Portcullis domain verification',
  webhook: 'Portcullis webhook',
};

/**
 * GET a URL (http or https) within the limits above, whatever its status (a redirect is
 * answered, never followed); throws OutboundError with the exact failure.
 */
export async function outboundGet(rawUrl: string, options: FetchOptions): Promise<FetchedText> {
  return await outboundRequest(rawUrl, options, 'GET', null);
}

/**
 * POST a body (JSON: the webhooks of lib/audit-stream/) under the same checks and limits as
 * outboundGet; whatever the status, which the caller judges. Redirects are not followed.
 */
export async function outboundPost(rawUrl: string, body: string, options: FetchOptions): Promise<FetchedText> {
  return await outboundRequest(rawUrl, options, 'POST', body);
}

async function outboundRequest(rawUrl: string, options: FetchOptions, method: 'GET' | 'POST', body: string | null): Promise<FetchedText> {
  const { purpose, timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES, resolve } = options;
  const setting = options.setting ?? outboundSetting();
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundError('Not a URL', 'invalid_url');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError(`Only http and https URLs are fetched, not ${url.protocol}`, 'invalid_url');
  if (url.username || url.password) throw new OutboundError('URLs with a user name or password are not fetched', 'invalid_url');
  const deadline = Date.now() + timeoutMs;
  const checked = await withTimeout(resolveAllowed(url, { purpose, setting, resolve }), timeoutMs, url.hostname);
  // Connect to the address just checked, never to a second lookup's answer.
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if ((lookupOptions as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<FetchedText>((resolvePromise, rejectPromise) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      fn();
    };
    const reject = (error: OutboundError) => settle(() => rejectPromise(error));
    const request = client.request(
      url,
      {
        method,
        lookup: pinned,
        // No pooled connections: each request connects to the address it checked, and leaves nothing open.
        agent: false,
        headers: {
          accept: 'application/json, text/plain;q=0.9, */*;q=0.1',
          'user-agent': USER_AGENTS[purpose],
          ...(body === null ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) }),
          ...options.headers,
        },
        timeout: Math.max(1, deadline - Date.now()),
      },
      (response) => {
        const status = response.statusCode ?? 0;
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > maxBytes) return reject(new OutboundError(`The response is ${declared} bytes; the limit is ${maxBytes}`, 'too_large'));
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) return reject(new OutboundError(`The response is larger than the limit of ${maxBytes} bytes`, 'too_large'));
          chunks.push(chunk);
        });
        response.on('end', () =>
          settle(() =>
            resolvePromise({
              status,
              contentType: response.headers['content-type'] ?? null,
              body: Buffer.concat(chunks).toString('utf8'),
              address: checked.address,
              location: typeof response.headers.location === 'string' ? response.headers.location : null,
            }),
          ),
        );
        response.on('error', (error: NodeJS.ErrnoException) => reject(new OutboundError(`Reading the response failed: ${error.message}`, 'connection', error.code)));
      },
    );
    const timer = setTimeout(() => reject(new OutboundError(`No answer within ${timeoutMs} ms`, 'timeout')), Math.max(1, deadline - Date.now()));
    request.on('timeout', () => reject(new OutboundError(`No answer within ${timeoutMs} ms`, 'timeout')));
    request.on('error', (error: NodeJS.ErrnoException) => reject(new OutboundError(`Connection failed: ${error.code ?? error.message}`, 'connection', error.code)));
    request.end(body ?? undefined);
  });
}

/** GET a URL for its content: as outboundGet, and a redirect is a failure that names its target. */
export async function fetchText(rawUrl: string, options: FetchOptions): Promise<FetchedText> {
  const response = await outboundGet(rawUrl, options);
  if (response.status >= 300 && response.status < 400) {
    throw new OutboundError(
      `HTTP ${response.status}: redirects are not followed; use the final URL${response.location ? ` (${response.location})` : ''}`,
      'redirect',
    );
  }
  return response;
}

function withTimeout<T>(promise: Promise<T>, ms: number, host: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new OutboundError(`Resolving ${host} took longer than ${ms} ms`, 'timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
