import type { Token } from '@/db/schema';
import { allowlistOf } from '@/lib/net/cidr';
import { methodLabel, tokenRefusal, type MethodContext, type Policy } from './policy';

export type Caller = { token: Pick<Token, 'kind' | 'authMethod'>; ip: string | null } & MethodContext;

const describeToken = (token: Caller['token']) =>
  token.kind === 'session'
    ? `your current session (signed in with ${methodLabel(token.authMethod)})`
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
  const refusal = tokenRefusal(policy, caller.token, {
    organizationId: caller.organizationId,
    idpOrganizationId: caller.idpOrganizationId,
  });
  if (refusal) {
    return `This change would lock you out: ${describeToken(caller.token)} would stop working, because the organization ${refusal}`;
  }
  return null;
}
