import { asc, eq } from 'drizzle-orm';
import { memberships, organizations, type Organization } from '@/db/schema';
import type { Ctx } from '@/lib/context';

export type MembershipWithOrg = { organization: Organization; isSuperAdmin: boolean; joinTime: string };

/** The organizations a user belongs to, oldest membership first. */
export function listMemberships(ctx: Ctx, userId: string): MembershipWithOrg[] {
  return ctx.db
    .select({ organization: organizations, isSuperAdmin: memberships.isSuperAdmin, joinTime: memberships.joinTime })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, userId))
    .orderBy(asc(memberships.joinTime), asc(organizations.name))
    .all();
}
