import { assertOrganizationAdmits } from '@/lib/auth/gate';
import { AppError } from '@/lib/errors';
import type { MembershipWithOrg } from './memberships';

/**
 * The caller's membership in the organization of an account id (/v1/account/{account_id}/...,
 * upstream's older name for an organization). Not a member and no such account answer alike,
 * as for organization ids; the organization's IP allowlist holds as on its own routes.
 */
export function membershipOfAccount(memberships: readonly MembershipWithOrg[], accountId: string, ip: string | null): MembershipWithOrg {
  const membership = memberships.find((m) => m.organization.accountId === accountId);
  if (!membership) throw new AppError('not_found', `Account ${accountId} not found`);
  assertOrganizationAdmits(membership, ip);
  return membership;
}
