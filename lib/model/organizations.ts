import { type Organization } from '@/db/schema';
import { memberships, organizations } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { newAccountId, newOrganizationId } from '@/lib/ids';
import { single } from '@/db/async';

/** Inserts an organization with fresh organization and account ids. Input is already validated. */
export async function insertOrganization(ctx: Ctx, { name }: { name: string }): Promise<Organization> {
  const now = iso(ctx.now);
  return await single(
    ctx.db
      .insert(organizations)
      .values({
        id: newOrganizationId(),
        accountId: newAccountId(),
        name,
        createTime: now,
        updateTime: now,
        // "Allow other organizations' identity providers" starts off (the column's default, true,
        // stays for the rows that exist: changing a default on SQLite rebuilds the table). With it
        // on, the admin of any other organization a member also joins could sign in as that member
        // here through an IdP whose keys they hold; an organization trusts only its own IdPs
        // until its admin opts in. See README, "Admin → Authentication policy".
        samlAllowExternal: false,
      })
      .returning(),
  );
}

export async function insertMembership(
  ctx: Ctx,
  { organizationId, userId, isSuperAdmin }: { organizationId: string; userId: string; isSuperAdmin: boolean },
): Promise<void> {
  await ctx.db.insert(memberships).values({ organizationId, userId, isSuperAdmin, joinTime: iso(ctx.now) });
}
