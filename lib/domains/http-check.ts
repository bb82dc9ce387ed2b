import { outboundGet, OutboundError, type OutboundSetting, type Resolver } from '@/lib/net/outbound';
import { HTTP_CHALLENGE_PATH, httpChallengeUrl, matchesChallenge } from './challenge';
import type { CheckResult } from './check-result';
import type { LookupSettings } from './settings';

// The HTTP alternative: fetch https://<domain>/.well-known/portcullis-challenge. The server
// makes this request on an admin's behalf, so it must not become a way to reach what only the
// server can: it goes through lib/net/outbound.ts as a `domain_check` fetch, which never
// contacts link-local or cloud metadata addresses, contacts private and loopback ones only
// where OUTBOUND_ALLOW_PRIVATE says so (not by default), connects to the address it checked,
// follows no redirect and reads a few KiB. What the file said is not echoed back.

const MAX_BODY_BYTES = 4096;

export async function checkHttpChallenge(
  domainName: string,
  token: string,
  settings: Pick<LookupSettings, 'httpBase' | 'timeoutMs'> & { outbound?: OutboundSetting; resolve?: Resolver },
): Promise<CheckResult> {
  const target = httpChallengeUrl(domainName);
  const base = { verification_type: 'http' as const, domain_name: domainName, target };
  // Tests serve the file on loopback: DOMAIN_HTTP_VERIFICATION_BASE names where, and the
  // domain goes in the Host header as it would to a real web server. The base's address is
  // checked like any other, so such a test server needs OUTBOUND_ALLOW_PRIVATE=all.
  const url = settings.httpBase ? `${settings.httpBase}${HTTP_CHALLENGE_PATH}` : target;
  try {
    const response = await outboundGet(url, {
      purpose: 'domain_check',
      setting: settings.outbound,
      timeoutMs: settings.timeoutMs,
      maxBytes: MAX_BODY_BYTES,
      resolve: settings.resolve,
      headers: { host: domainName, accept: 'text/plain' },
    });
    // A redirect is not followed (it could point anywhere, the metadata service included).
    if (response.status !== 200) return { ...base, status: 'http_status', http_status: response.status };
    return matchesChallenge(response.body, token) ? { ...base, status: 'verified' } : { ...base, status: 'mismatch' };
  } catch (error) {
    if (!(error instanceof OutboundError)) return { ...base, status: 'error', detail: String(error) };
    switch (error.code) {
      case 'refused':
        return { ...base, status: 'address_refused', detail: error.message.replace(/^Refused: /, '') };
      case 'timeout':
        return { ...base, status: 'timeout' };
      case 'too_large':
        return { ...base, status: 'mismatch', detail: `the file is larger than ${MAX_BODY_BYTES} bytes` };
      case 'unresolved':
        return error.errno === 'ENOTFOUND' ? { ...base, status: 'nxdomain' } : { ...base, status: 'error', detail: error.errno ?? error.message };
      default:
        return { ...base, status: 'error', detail: error.errno ?? error.message };
    }
  }
}
