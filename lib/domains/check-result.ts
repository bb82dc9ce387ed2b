// What one verification attempt found: stored as the domain's last check, shown on the page
// and returned by the API. Each outcome is its own status, so the page can say exactly what
// happened and what to do next.

export type CheckStatus =
  | 'verified'
  // DNS
  | 'no_txt_record'
  | 'mismatch'
  | 'nxdomain'
  // HTTP
  | 'http_status'
  | 'address_refused'
  // both
  | 'timeout'
  | 'error';

export type CheckResult = {
  status: CheckStatus;
  verification_type: 'dns' | 'http';
  domain_name: string;
  /** Where we looked: the TXT record's name or the file's URL. */
  target: string;
  /** DNS: the TXT values found (for a mismatch). */
  records?: string[];
  /** HTTP: the response status (http_status). */
  http_status?: number;
  /** A resolver or connection error code, when there is one. */
  detail?: string;
};

/** One sentence for the page and the API's messages. */
export function describeCheck(result: CheckResult): string {
  const t = result.target;
  switch (result.status) {
    case 'verified':
      return `Verified: ${t} holds the expected value.`;
    case 'no_txt_record':
      return `No TXT record at ${t}. Publish the record, then try again: DNS changes can take a while (up to 72 hours) to be seen.`;
    case 'mismatch':
      return result.verification_type === 'dns'
        ? `TXT records found at ${t}, but none holds the expected value. Found: ${(result.records ?? []).map((r) => JSON.stringify(r)).join(', ') || '(empty)'}.`
        : `${t} answered, but its content is not the expected value.`;
    case 'nxdomain':
      return `The domain does not exist: DNS has no name ${result.domain_name} (NXDOMAIN). Check the spelling, or wait until it is registered.`;
    case 'http_status':
      return `${t} answered with HTTP ${result.http_status ?? '?'} instead of the file.`;
    case 'address_refused':
      return `${t} resolves to an address that is never fetched (${result.detail ?? 'link-local, loopback or metadata'}).`;
    case 'timeout':
      return `The lookup of ${t} timed out. Try again later: DNS takes time, and its servers may be slow to answer.`;
    case 'error':
      return `The lookup of ${t} failed (${result.detail ?? 'unknown error'}). Try again later.`;
  }
}
