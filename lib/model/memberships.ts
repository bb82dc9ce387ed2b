import { asc, eq, sql } from 'drizzle-orm';
import { preparedPerDb } from '@/lib/prepared';
import { memberships, organizations } from '@/db/schema';
import type { Ctx, MembershipWithOrg } from '@/lib/call';


/** The organizations a user belongs to, oldest membership first. */
const membershipsOfUser = preparedPerDb((db) =>
  db
    .select({ organization: organizations, isSuperAdmin: memberships.isSuperAdmin, joinTime: memberships.joinTime })
    .from(memberships)
    .innerJoin(organizations, eq(organizations.id, memberships.organizationId))
    .where(eq(memberships.userId, sql.placeholder('userId')))
    .orderBy(asc(memberships.joinTime), asc(organizations.name))
    .prepare(),
);

export function listMemberships(ctx: Ctx, userId: string): MembershipWithOrg[] {
  return membershipsOfUser(ctx.db).all({ userId });
}
