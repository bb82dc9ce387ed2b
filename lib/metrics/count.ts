import { metrics } from './registry';

// What lib/ counts, each at its one natural place: sign-ins where the audit log records them
// (lib/audit/record.ts), SAML refusals where lib/saml/ refuses, token lookups in
// lib/tokens/resolve.ts, requests in the custom server (scripts/server.ts). Label values are
// reduced to closed sets here, so no caller can grow the number of series.

/** Sign-in methods as the audit log's `details.method` names them. */
export const SIGN_IN_METHODS = ['password', 'saml', 'google', 'microsoft', 'github'] as const;
export type SignInOutcome = 'success' | 'failure';

/** The method label: one of SIGN_IN_METHODS, or "other". */
export function signInMethodLabel(method: unknown): string {
  return typeof method === 'string' && (SIGN_IN_METHODS as readonly string[]).includes(method) ? method : 'other';
}

/**
 * The sign-in outcome an audit event stands for, or null when it is no sign-in attempt. A wrong
 * second-factor code at sign-in is a failed sign-in too; "a code is needed" is not an attempt.
 */
export function signInOutcomeOf(event: string, details: Record<string, unknown> | undefined): SignInOutcome | null {
  if (event === 'auth.sign_in') return 'success';
  if (event === 'auth.sign_in_failed') return 'failure';
  if (event === 'two_factor.code_failed' && details?.during === 'sign_in') return 'failure';
  return null;
}

/** Counts one audit event if it is a sign-in attempt (called once per event, not per organization). */
export function countAuditEvent(event: string, details: Record<string, unknown> | undefined): void {
  const outcome = signInOutcomeOf(event, details);
  if (outcome) metrics().signIns.inc({ method: signInMethodLabel(details?.method), outcome });
}

export type SamlStage = 'start' | 'acs';

/**
 * Counts one refused SAML sign-in, by where it was refused and its reason: a key of SAML_FAILURES
 * (lib/saml/errors.ts), a closed set that lib/saml/ passes typed. Not imported from there: lib/saml
 * sits above this folder and the audit log that counts through it.
 */
export function countSamlRefusal(reason: string, stage: SamlStage): void {
  metrics().samlRefusals.inc({ reason, stage });
}

/** What a token lookup found (lib/tokens/resolve.ts). */
export type TokenLookupOutcome = 'valid' | 'unknown' | 'not_accepted' | 'expired' | 'invalidated' | 'deactivated' | 'ip_not_allowed';

export function countTokenLookup(outcome: TokenLookupOutcome): void {
  metrics().tokenLookups.inc({ outcome });
}

/** Counts one answered request and its time (scripts/server.ts, when its response closes). */
export function countRequest({ route, method, status, seconds }: { route: string; method: string; status: number; seconds: number }): void {
  const { httpRequests, httpDuration } = metrics();
  httpRequests.inc({ route, method, status: String(status) });
  httpDuration.observe({ route, method }, seconds);
}

/** Times a database statement (db/async.ts's observer, which scripts/server.ts sets). */
export function countStatement(engine: string, seconds: number): void {
  metrics().dbStatementDuration.observe({ engine }, seconds);
}
