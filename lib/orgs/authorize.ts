import type { MembershipWithOrg } from '@/lib/call';
import { AppError } from '@/lib/errors';

/** Throws 403 unless the caller is a super admin of the organization the request is about. */
export function assertSuperAdmin(membership: MembershipWithOrg | null): asserts membership is MembershipWithOrg {
  if (!membership?.isSuperAdmin) {
    throw new AppError('forbidden', 'Only super admins of this organization may do this');
  }
}
