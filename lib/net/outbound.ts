import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { parseCidr, type Cidr } from './cidr';

// Requests the server makes to URLs that users type (a Kafka service's JWKS URL). Such a URL
// could point the server at what only it can reach: the cloud provider's instance metadata
// service, which hands out credentials. So before connecting we resolve the host name ourselves,
// refuse link-local and metadata addresses, and connect to exactly the address we checked (a
// second lookup could answer differently: DNS rebinding). Loopback and private addresses stay
// allowed: an identity provider on the same host or network is a normal setup (and the tests run
// their JWKS servers on 127.0.0.1). Each fetch has a timeout and a size limit, and redirects are
// not followed (the target of one would escape the check).

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

/** Addresses never fetched: link-local (where metadata services live) and known metadata addresses elsewhere. */
export const REFUSED_RANGES: readonly { cidr: string; why: string }[] = [
  { cidr: '169.254.0.0/16', why: 'link-local (cloud metadata services live here)' },
  { cidr: 'fe80::/10', why: 'link-local' },
  { cidr: 'fd00:ec2::254/128', why: 'the AWS metadata service' },
  { cidr: '100.100.100.200/32', why: 'the Alibaba Cloud metadata service' },
  { cidr: '168.63.129.16/32', why: 'the Azure host service' },
  { cidr: '64:ff9b::a9fe:0/112', why: 'link-local through NAT64' },
  { cidr: '0.0.0.0/32', why: 'the unspecified address' },
  { cidr: '::/128', why: 'the unspecified address' },
];

const refused: { range: Cidr; why: string }[] = REFUSED_RANGES.map(({ cidr, why }) => ({ range: parseCidr(cidr)!, why }));

/** Why an address may not be fetched, or null when it may. */
export function addressRefusal(address: string): string | null {
  let parsed: ipaddr.IPv4 | ipaddr.IPv6;
  try {
    parsed = ipaddr.parse(address.replace(/%.*$/, ''));
  } catch {
    return `${address} is not an IP address`;
  }
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  for (const { range, why } of refused) {
    const [base, bits] = range;
    if (base.kind() === parsed.kind() && parsed.match(base as never, bits)) return `${parsed.toString()} is ${why}`;
  }
  return null;
}

/** Why a host name may not be fetched (a metadata service's name), or null. */
export function hostNameRefusal(hostname: string): string | null {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  return METADATA_HOST_NAMES.includes(name) ? `${hostname} is a cloud metadata service` : null;
}

export class OutboundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OutboundError';
  }
}

export type Resolver = (hostname: string) => Promise<{ address: string; family: number }[]>;
const systemResolver: Resolver = (hostname) => dnsLookup(hostname, { all: true, verbatim: true });

/** The addresses of a URL's host, every one of them checked; throws OutboundError on any refusal. */
export async function resolveAllowed(url: URL, resolve: Resolver = systemResolver): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[|\]$/g, '');
  const nameRefusal = hostNameRefusal(host);
  if (nameRefusal) throw new OutboundError(`Refused: ${nameRefusal}`);
  let addresses: { address: string; family: number }[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: host.includes(':') ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new OutboundError(`Could not resolve ${host}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
    }
  }
  if (addresses.length === 0) throw new OutboundError(`Could not resolve ${host}: no addresses`);
  // One bad address refuses the name: a resolver could hand out either.
  for (const { address } of addresses) {
    const refusal = addressRefusal(address);
    if (refusal) throw new OutboundError(`Refused: ${host} resolves to ${refusal}`);
  }
  return addresses[0]!;
}

export type FetchLimits = { timeoutMs?: number; maxBytes?: number; resolve?: Resolver };
export type FetchedText = { status: number; contentType: string | null; body: string; address: string };

export const DEFAULT_TIMEOUT_MS = 5_000;
export const DEFAULT_MAX_BYTES = 256 * 1024;

/** GET a URL (http or https) within the limits above; throws OutboundError with the exact failure. */
export async function fetchText(rawUrl: string, { timeoutMs = DEFAULT_TIMEOUT_MS, maxBytes = DEFAULT_MAX_BYTES, resolve }: FetchLimits = {}): Promise<FetchedText> {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundError('Not a URL');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new OutboundError(`Only http and https URLs are fetched, not ${url.protocol}`);
  if (url.username || url.password) throw new OutboundError('URLs with a user name or password are not fetched');
  const deadline = Date.now() + timeoutMs;
  const checked = await withTimeout(resolveAllowed(url, resolve), timeoutMs, url.hostname);
  // Connect to the address just checked, never to a second lookup's answer.
  const pinned: LookupFunction = (_hostname, options, callback) => {
    if ((options as { all?: boolean }).all) (callback as (e: null, a: { address: string; family: number }[]) => void)(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise<FetchedText>((resolvePromise, reject) => {
    const request = client.request(
      url,
      { method: 'GET', lookup: pinned, headers: { accept: 'application/json', 'user-agent': 'Portcullis JWKS check' }, timeout: Math.max(1, deadline - Date.now()) },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status >= 300 && status < 400) {
          response.resume();
          request.destroy();
          reject(new OutboundError(`HTTP ${status}: redirects are not followed; use the final URL${response.headers.location ? ` (${response.headers.location})` : ''}`));
          return;
        }
        const declared = Number(response.headers['content-length'] ?? 0);
        if (declared > maxBytes) {
          request.destroy();
          reject(new OutboundError(`The response is ${declared} bytes; the limit is ${maxBytes}`));
          return;
        }
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > maxBytes) {
            request.destroy();
            reject(new OutboundError(`The response is larger than the limit of ${maxBytes} bytes`));
            return;
          }
          chunks.push(chunk);
        });
        response.on('end', () =>
          resolvePromise({
            status,
            contentType: response.headers['content-type'] ?? null,
            body: Buffer.concat(chunks).toString('utf8'),
            address: checked.address,
          }),
        );
        response.on('error', (error) => reject(new OutboundError(`Reading the response failed: ${error.message}`)));
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      reject(new OutboundError(`No answer within ${timeoutMs} ms`));
    }, Math.max(1, deadline - Date.now()));
    request.on('timeout', () => {
      request.destroy();
      reject(new OutboundError(`No answer within ${timeoutMs} ms`));
    });
    request.on('error', (error: NodeJS.ErrnoException) => reject(new OutboundError(`Connection failed: ${error.code ?? error.message}`)));
    request.on('close', () => clearTimeout(timer));
    request.end();
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, host: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new OutboundError(`Resolving ${host} took longer than ${ms} ms`)), ms);
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
