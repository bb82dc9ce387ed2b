import { organizations } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { AppError, parseInput } from '@/lib/errors';
import { updateRow } from '@/lib/model/rows';
import { lockoutRefusal } from './lockout';
import { applyPatch, policyOf, policyToWire, type Policy } from './policy';
import { policyPatchSchema } from './schema';
import { inTransaction } from '@/lib/context';

/** The organization's policy; super admins only. */
export function readPolicy({ membership }: Pick<OrgCall, 'membership'>): Policy {
  assertSuperAdmin(membership);
  return policyOf(membership.organization);
}

/** The policy a patch would give, refused (409) if it would cut off the admin making it. */
export function proposePolicy(call: OrgCall & { input: unknown }): { before: Policy; after: Policy; lockout: string | null } {
  assertSuperAdmin(call.membership);
  const patch = parseInput(policyPatchSchema, call.input);
  const before = policyOf(call.membership.organization);
  const after = applyPatch(before, patch);
  const lockout = lockoutRefusal(after, {
    token: call.principal.token,
    ip: call.meta.ip,
    organizationId: call.membership.organization.id,
    idpOrganizationId: call.principal.idpOrganizationId,
  });
  return { before, after, lockout };
}

/** Applies a policy patch at once: the next request is judged by it. Audited with old and new values. */
export async function updatePolicy(call: OrgCall & { input: unknown }): Promise<Policy> {
  const { before, after, lockout } = proposePolicy(call);
  if (lockout) throw new AppError('conflict', lockout);
  const organization = call.membership!.organization;
  const oldWire = policyToWire(before);
  const newWire = policyToWire(after);
  const changed = (Object.keys(newWire) as (keyof typeof newWire)[]).filter(
    (key) => JSON.stringify(oldWire[key]) !== JSON.stringify(newWire[key]),
  );
  await inTransaction(call, async (call) => {
    await updateRow(call.ctx, organizations, organization.id, after);
    if (changed.length === 0) return;
    await audit(
      call,
      'policy.updated',
      {
        old: Object.fromEntries(changed.map((key) => [key, oldWire[key]])),
        new: Object.fromEntries(changed.map((key) => [key, newWire[key]])),
      },
      organization.id,
    );
  });
  return after;
}
