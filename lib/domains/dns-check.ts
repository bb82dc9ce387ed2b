import { Resolver } from 'node:dns/promises';
import { challengeRecordName, matchesChallenge } from './challenge';
import type { CheckResult } from './check-result';
import type { LookupSettings } from './settings';

const MAX_RECORDS_SHOWN = 20;
const MAX_RECORD_CHARS = 512;

class DeadlineExceeded extends Error {}

const errorCode = (error: unknown) => (error as NodeJS.ErrnoException).code ?? 'unknown';

/**
 * Looks up the challenge TXT record of a domain on the configured DNS servers. Never throws
 * and never waits past the deadline: a slow server ends as `timeout`.
 */
export async function checkDnsChallenge(
  domainName: string,
  token: string,
  settings: Pick<LookupSettings, 'dnsServers' | 'timeoutMs'>,
): Promise<CheckResult> {
  const target = challengeRecordName(domainName);
  const base = { verification_type: 'dns' as const, domain_name: domainName, target };
  // Two tries of half the deadline each; the timer below is the ceiling whatever c-ares does.
  const resolver = new Resolver({ timeout: Math.max(50, Math.floor(settings.timeoutMs / 2)), tries: 2 });
  if (settings.dnsServers.length > 0) {
    try {
      resolver.setServers(settings.dnsServers);
    } catch {
      return { ...base, status: 'error', detail: `DNS_SERVERS is not a list of host[:port]: ${settings.dnsServers.join(',')}` };
    }
  }
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      resolver.cancel();
      reject(new DeadlineExceeded());
    }, settings.timeoutMs);
  });
  const within = <T>(work: Promise<T>) => Promise.race([work, deadline]);

  try {
    const answer = await within(resolver.resolveTxt(target));
    // A TXT record may come in several character strings: they are one value, concatenated.
    const records = answer.map((chunks) => chunks.join(''));
    if (records.some((record) => matchesChallenge(record, token))) return { ...base, status: 'verified' };
    if (records.length === 0) return { ...base, status: 'no_txt_record' };
    return { ...base, status: 'mismatch', records: records.slice(0, MAX_RECORDS_SHOWN).map((r) => r.slice(0, MAX_RECORD_CHARS)) };
  } catch (error) {
    if (error instanceof DeadlineExceeded) return { ...base, status: 'timeout' };
    switch (errorCode(error)) {
      // The name exists but holds no TXT record.
      case 'ENODATA':
        return { ...base, status: 'no_txt_record' };
      // No such name. The challenge name of a real domain is that too until the record is
      // published, so ask about the domain itself: only if it is missing as well does the
      // domain not exist.
      case 'ENOTFOUND':
        return (await domainExists(within, resolver, domainName)) ?? { ...base, status: 'no_txt_record' };
      case 'ETIMEOUT':
      case 'ECANCELLED':
        return { ...base, status: 'timeout' };
      default:
        return { ...base, status: 'error', detail: errorCode(error) };
    }
  } finally {
    clearTimeout(timer);
  }

  /** null when the domain's name exists; otherwise the result that says why it does not. */
  async function domainExists(
    within: <T>(work: Promise<T>) => Promise<T>,
    resolver: Resolver,
    name: string,
  ): Promise<CheckResult | null> {
    try {
      await within(resolver.resolveSoa(name));
      return null;
    } catch (error) {
      if (error instanceof DeadlineExceeded) return { ...base, status: 'timeout' };
      const code = errorCode(error);
      if (code === 'ENOTFOUND') return { ...base, status: 'nxdomain' };
      if (code === 'ETIMEOUT' || code === 'ECANCELLED') return { ...base, status: 'timeout' };
      // ENODATA: the name exists (a subdomain without its own SOA); anything else: unknown,
      // and the challenge name's own answer (no such name) is what we report.
      return null;
    }
  }
}
