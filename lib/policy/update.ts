import { eq } from 'drizzle-orm';
import { first } from '@/db/async';
import { organizations } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { AppError, parseInput } from '@/lib/errors';
import { inTransaction, organizationLock } from '@/lib/context';
import { updateRow } from '@/lib/model/rows';
import { lockoutRefusal } from './lockout';
import { applyPatch, policyOf, policyToWire, type Policy } from './policy';
import { policyPatchSchema } from './schema';

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

/**
 * Applies a policy patch at once: the next request is judged by it. Audited with old and new values.
 *
 * The patch applies to the policy as it is stored when the transaction runs, not to the one the
 * gate read for this request: another PATCH (on this instance or another) may have committed in
 * between, and writing a policy made from the older copy would undo its fields. The lockout check
 * and the audit's old values are made from the same fresh copy, so concurrent PATCHes end as one
 * serial order of them would.
 */
export async function updatePolicy(call: OrgCall & { input: unknown }): Promise<Policy> {
  assertSuperAdmin(call.membership);
  // Bad input is refused before a transaction begins.
  parseInput(policyPatchSchema, call.input);
  const organizationId = call.membership.organization.id;
  // Under the organization's lock: one organization's PATCHes wait for each other rather than
  // abort each other (of 200 at once, 148 ran out of SERIALIZABLE's retries on PostgreSQL).
  return await inTransaction(call, async (call) => {
    const stored = await first(call.ctx.db.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1));
    if (!stored) throw new AppError('not_found', 'Organization not found');
    const { before, after, lockout } = proposePolicy({ ...call, membership: { ...call.membership!, organization: stored } });
    if (lockout) throw new AppError('conflict', lockout);
    const oldWire = policyToWire(before);
    const newWire = policyToWire(after);
    const changed = (Object.keys(newWire) as (keyof typeof newWire)[]).filter(
      (key) => JSON.stringify(oldWire[key]) !== JSON.stringify(newWire[key]),
    );
    if (changed.length === 0) return after;
    await updateRow(call.ctx, organizations, organizationId, after);
    await audit(
      call,
      'policy.updated',
      {
        old: Object.fromEntries(changed.map((key) => [key, oldWire[key]])),
        new: Object.fromEntries(changed.map((key) => [key, newWire[key]])),
      },
      organizationId,
    );
    return after;
  }, organizationLock(organizationId));
}
