import { memberships, organizations, type Organization } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newAccountId, newOrganizationId } from '@/lib/ids';

/** Inserts an organization with fresh organization and account ids. Input is already validated. */
export function insertOrganization(ctx: Ctx, { name }: { name: string }): Organization {
  const now = iso(ctx.now);
  return ctx.db
    .insert(organizations)
    .values({ id: newOrganizationId(), accountId: newAccountId(), name, createTime: now, updateTime: now })
    .returning()
    .get();
}

export function insertMembership(
  ctx: Ctx,
  { organizationId, userId, isSuperAdmin }: { organizationId: string; userId: string; isSuperAdmin: boolean },
): void {
  ctx.db.insert(memberships).values({ organizationId, userId, isSuperAdmin, joinTime: iso(ctx.now) }).run();
}
