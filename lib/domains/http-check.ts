import dns from 'node:dns';
import http from 'node:http';
import https from 'node:https';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { HTTP_CHALLENGE_PATH, httpChallengeUrl, matchesChallenge } from './challenge';
import type { CheckResult } from './check-result';
import type { LookupSettings } from './settings';

// The HTTP alternative: fetch https://<domain>/.well-known/portcullis-challenge. The server
// makes this request on an admin's behalf, so it must not become a way to reach what only the
// server can: addresses of the host itself and cloud metadata services are never contacted,
// the address checked is the one connected to (the check runs inside the connection's own
// lookup, so DNS cannot answer differently in between), redirects are not followed, the
// answer is read up to a few KiB, and what it said is not echoed back.

const MAX_BODY_BYTES = 4096;

const REFUSED_RANGES = new Set(['unspecified', 'broadcast', 'multicast', 'linkLocal', 'loopback', 'reserved']);
// Metadata services on ordinary-looking addresses: Alibaba Cloud, Azure's wire server, AWS's IPv6 one.
const METADATA_ADDRESSES = new Set(['100.100.100.200', '168.63.129.16', 'fd00:ec2::254']);

/** Why an address is never fetched, or null if it may be. */
export function refusedAddressReason(address: string): string | null {
  if (!ipaddr.isValid(address)) return 'not an IP address';
  let parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) parsed = (parsed as ipaddr.IPv6).toIPv4Address();
  const normalized = parsed.toNormalizedString();
  if (METADATA_ADDRESSES.has(normalized) || METADATA_ADDRESSES.has(parsed.toString())) return `${address} is a cloud metadata address`;
  const range = parsed.range();
  if (REFUSED_RANGES.has(range)) return `${address} is a ${range} address`;
  return null;
}

class RefusedAddress extends Error {
  code = 'EREFUSEDADDRESS';
}

/** dns.lookup, refusing names that resolve to any address we never contact. */
const guardedLookup: LookupFunction = (hostname, options, callback) => {
  dns.lookup(hostname, { ...options, all: true }, (error, addresses) => {
    if (error) return callback(error, '', 4);
    const list = addresses as dns.LookupAddress[];
    const refused = list.map((a) => refusedAddressReason(a.address)).find(Boolean);
    if (refused) return callback(new RefusedAddress(refused), '', 4);
    if (list.length === 0) return callback(Object.assign(new Error('no address'), { code: 'ENOTFOUND' }), '', 4);
    if ((options as dns.LookupOptions).all) return (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, list);
    callback(null, list[0]!.address, list[0]!.family);
  });
};

export async function checkHttpChallenge(
  domainName: string,
  token: string,
  settings: Pick<LookupSettings, 'httpBase' | 'timeoutMs'>,
): Promise<CheckResult> {
  const target = httpChallengeUrl(domainName);
  const base = { verification_type: 'http' as const, domain_name: domainName, target };
  // Tests serve the file on loopback: DOMAIN_HTTP_VERIFICATION_BASE names where, and the
  // domain goes in the Host header as it would to a real web server.
  const url = new URL(settings.httpBase ? `${settings.httpBase}${HTTP_CHALLENGE_PATH}` : target);
  const client = url.protocol === 'http:' ? http : https;

  return new Promise<CheckResult>((resolve) => {
    let settled = false;
    const finish = (result: CheckResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      request.destroy();
      resolve(result);
    };
    const request = client.request(
      url,
      {
        method: 'GET',
        headers: { host: domainName, 'user-agent': 'Portcullis domain verification', accept: 'text/plain' },
        lookup: settings.httpBase ? undefined : guardedLookup,
        agent: false,
      },
      (response) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) return finish({ ...base, status: 'http_status', http_status: status });
        const chunks: Buffer[] = [];
        let size = 0;
        response.on('data', (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY_BYTES) return finish({ ...base, status: 'mismatch', detail: `the file is larger than ${MAX_BODY_BYTES} bytes` });
          chunks.push(chunk);
        });
        response.on('end', () => {
          const body = Buffer.concat(chunks).toString('utf8');
          finish(matchesChallenge(body, token) ? { ...base, status: 'verified' } : { ...base, status: 'mismatch' });
        });
        response.on('error', (error) => finish({ ...base, status: 'error', detail: (error as NodeJS.ErrnoException).code ?? error.message }));
      },
    );
    const timer = setTimeout(() => finish({ ...base, status: 'timeout' }), settings.timeoutMs);
    request.on('error', (error: NodeJS.ErrnoException) => {
      if (error instanceof RefusedAddress) return finish({ ...base, status: 'address_refused', detail: error.message });
      if (error.code === 'ENOTFOUND') return finish({ ...base, status: 'nxdomain' });
      finish({ ...base, status: 'error', detail: error.code ?? error.message });
    });
    request.end();
  });
}
