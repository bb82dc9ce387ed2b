import { asc, eq, sql } from 'drizzle-orm';
import type { SelectedFields } from 'drizzle-orm/sqlite-core';
import { preparedPerDb } from '@/lib/prepared';
import { memberships, organizations, passwordCredentials, totpCredentials, users } from '@/db/tables';
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

export async function listMemberships(ctx: Ctx, userId: string): Promise<MembershipWithOrg[]> {
  return await membershipsOfUser(ctx.db).execute({ userId });
}

/**
 * Members (memberships joined to their users) with the `columns` asked for and whether each
 * can sign in with a password (`passwordUserId` not null) and has confirmed an authenticator
 * app (`totpConfirmedTime` not null). Name explicit columns: then nothing secret (password
 * hashes, TOTP secrets) is read, so none can leak. The caller adds the where and the order.
 */
export function selectMembersWithCredentials<Columns extends SelectedFields>(ctx: Ctx, columns: Columns) {
  return ctx.db
    .select({ ...columns, passwordUserId: passwordCredentials.userId, totpConfirmedTime: totpCredentials.confirmedTime })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .leftJoin(passwordCredentials, eq(passwordCredentials.userId, users.id))
    .leftJoin(totpCredentials, eq(totpCredentials.userId, users.id));
}
