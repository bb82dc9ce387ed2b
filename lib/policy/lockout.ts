import type { Token } from '@/db/schema';
import { allowlistOf } from '@/lib/net/cidr';
import { METHOD_LABELS, tokenRefusal, type Policy, type SignInMethod } from './policy';

export type Caller = { token: Pick<Token, 'kind' | 'authMethod'>; ip: string | null; managedByThisOrganization: boolean };

const describeToken = (token: Caller['token']) =>
  token.kind === 'session'
    ? `your current session (signed in with ${METHOD_LABELS[token.authMethod as SignInMethod] ?? token.authMethod})`
    : token.kind === 'personal'
      ? 'the personal token you are using'
      : 'the application token you are using';

/**
 * Why a new policy would cut off the admin making the change, or null. Checked before saving
 * (the page shows it, the API answers 409): an organization must not be locked out by accident.
 */
export function lockoutRefusal(policy: Policy, caller: Caller): string | null {
  if (!allowlistOf(policy.ipAllowlist).admits(caller.ip)) {
    return `This change would lock you out: your IP address ${caller.ip ?? '(unknown)'} is not in the new IP allowlist. Add it first.`;
  }
  const refusal = tokenRefusal(policy, caller.token, { managedByThisOrganization: caller.managedByThisOrganization });
  if (refusal) {
    return `This change would lock you out: ${describeToken(caller.token)} would stop working, because the organization ${refusal}`;
  }
  return null;
}
