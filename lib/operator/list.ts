import { and, asc, count, eq } from 'drizzle-orm';
import { type User } from '@/db/schema';
import { memberships, organizations, users } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { selectMembersWithCredentials } from '@/lib/model/memberships';
import { first } from '@/db/async';

// npm run admin -- list-organizations: what the operator needs to pick a way back in. Read-only.

export type OperatorSuperAdmin = Pick<User, 'id' | 'email' | 'state' | 'isApplicationUser'> & {
  hasPassword: boolean;
  hasTwoFactor: boolean;
};

export type OperatorOrganization = {
  id: string;
  accountId: string;
  name: string;
  passwordAuthEnabled: boolean;
  twoFactorRequired: boolean;
  ipAllowlist: string[];
  memberCount: number;
  superAdmins: OperatorSuperAdmin[];
};

/** Every organization, by name, with its super admins and the policy switches that lock people out. */
export async function listOrganizations({ ctx }: { ctx: Ctx }): Promise<OperatorOrganization[]> {
  const orgs = await ctx.db.select().from(organizations).orderBy(asc(organizations.name), asc(organizations.createTime));
  return await Promise.all(orgs.map(async (organization) => {
    const columns = { id: users.id, email: users.email, state: users.state, isApplicationUser: users.isApplicationUser };
    const superAdmins = (await selectMembersWithCredentials(ctx, columns)
      .where(and(eq(memberships.organizationId, organization.id), eq(memberships.isSuperAdmin, true)))
      .orderBy(asc(users.email)))
      .map(({ passwordUserId, totpConfirmedTime, ...user }) => ({
        ...user,
        hasPassword: passwordUserId !== null,
        hasTwoFactor: totpConfirmedTime !== null,
      }));
    const memberCount = (await first(ctx.db.select({ n: count() }).from(memberships).where(eq(memberships.organizationId, organization.id)).limit(1)))!.n;
    return {
      id: organization.id,
      accountId: organization.accountId,
      name: organization.name,
      passwordAuthEnabled: organization.passwordAuthEnabled,
      twoFactorRequired: organization.twoFactorRequired,
      ipAllowlist: organization.ipAllowlist,
      memberCount,
      superAdmins,
    };
  }));
}

/** The listing as the terminal shows it: one block per organization. */
export function formatOrganizations(list: OperatorOrganization[]): string[] {
  if (list.length === 0) return ['No organizations yet: open the console to run first-run setup.'];
  const lines: string[] = [];
  for (const org of list) {
    lines.push(`${org.name}`);
    lines.push(`  organization id ${org.id}, account id ${org.accountId}, ${org.memberCount} member${org.memberCount === 1 ? '' : 's'}`);
    lines.push(
      `  password sign-in ${org.passwordAuthEnabled ? 'on' : 'OFF'}; 2FA ${org.twoFactorRequired ? 'required' : 'optional'}; IP allowlist ${
        org.ipAllowlist.length ? org.ipAllowlist.join(', ') : '(none: any address)'
      }`,
    );
    if (org.superAdmins.length === 0) lines.push('  super admins: none');
    else {
      lines.push('  super admins:');
      for (const admin of org.superAdmins) {
        const notes = [
          admin.isApplicationUser ? 'application user' : admin.hasPassword ? 'password' : 'no password',
          admin.hasTwoFactor ? '2FA' : null,
          admin.state === 'deactivated' ? 'DEACTIVATED' : null,
        ].filter(Boolean);
        lines.push(`    ${admin.email} (${admin.id}): ${notes.join(', ')}`);
      }
    }
    lines.push('');
  }
  return lines.slice(0, -1);
}
