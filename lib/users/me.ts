import { eq, sql } from 'drizzle-orm';
import { externalIdentities, passwordCredentials } from '@/db/tables';
import type { Principal } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { preparedPerDb } from '@/lib/prepared';
import { projectNamesOf } from '@/lib/projects/manage';
import type { MeWire } from './wire-schema';

// GET /v1/me runs this on every call: prepared once per connection (see lib/prepared.ts). One
// statement for both kinds of method, a round trip fewer on PostgreSQL: a password credential
// reads as the method "password", each linked identity as its provider.
const methodsOfUser = preparedPerDb((db) =>
  db
    .select({ method: sql<string>`'password'`.as('method') })
    .from(passwordCredentials)
    .where(eq(passwordCredentials.userId, sql.placeholder('userId')))
    .unionAll(db.select({ method: externalIdentities.provider }).from(externalIdentities).where(eq(externalIdentities.userId, sql.placeholder('userId'))))
    .prepare(),
);

/** The sign-in methods a user has set up, as GET /v1/me reports them in `auth`: password first, then linked providers, each once. */
export async function userAuthMethods(ctx: Ctx, userId: string): Promise<string[]> {
  const rows = await methodsOfUser(ctx.db).execute({ userId });
  const methods: string[] = rows.some((row) => row.method === 'password') ? ['password'] : [];
  // Linked third-party accounts by method ("google", "github", "saml"), each once.
  for (const { method: provider } of rows) {
    const method = provider.startsWith('saml:') ? 'saml' : provider;
    if (method !== 'password' && !methods.includes(method)) methods.push(method);
  }
  return methods;
}

/** GET /v1/me's `user` object. Explicit fields only: nothing secret can leak by being added to a table. */
export async function meResponse(ctx: Ctx, principal: Principal): Promise<MeWire> {
  const { user, memberships } = principal;
  return {
    user: {
      user: user.email,
      user_id: user.id,
      real_name: user.realName,
      state: user.state,
      auth: await userAuthMethods(ctx, user.id),
      // The names of the projects the caller reaches, as GET /v1/project lists them.
      projects: await projectNamesOf(ctx, user.id),
      token_validity_begin: user.tokenValidityBegin,
      managing_organization_id: user.managingOrganizationId,
      create_time: user.createTime,
      // Extension: the organizations the caller belongs to.
      organizations: memberships.map((m) => ({
        organization_id: m.organization.id,
        organization_name: m.organization.name,
        account_id: m.organization.accountId,
        is_super_admin: m.isSuperAdmin,
      })),
    },
  };
}
