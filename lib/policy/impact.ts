import { and, eq, gt, inArray, isNull, or } from 'drizzle-orm';
import { type Organization } from '@/db/schema';
import { authenticationMethods, externalIdentities, memberships, passwordCredentials, tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { allowlistOf } from '@/lib/net/cidr';
import { identityProviderNames, identityProviderOrganization } from '@/lib/model/identity-providers';
import { methodAllowed, samlMethodIdOf, signInMethodLabel, tokenRefusal, type Policy } from './policy';

export type PolicyImpact = {
  /**
   * Active members who have a way into this organization now and would have none after: every
   * sign-in method they have (`methods`, as people read them) is refused by the new policy.
   */
  membersLosingSignIn: { userId: string; email: string; methods: string[] }[];
  sessionsStopping: number;
  personalTokensStopping: number;
  /** Application tokens are only affected by the IP allowlist. */
  applicationTokensStopping: number;
};

export type ImpactOptions = {
  /**
   * The third-party providers this server is configured for (configuredOAuthProviders): a
   * linked Google account is no way in on a server without Google. Default: all three.
   */
  oauthProviders?: readonly string[];
};

const OAUTH = ['google', 'microsoft', 'github'];

/**
 * Every way each user can sign in, as the methods sessions record: "password" for a password,
 * "google" / "microsoft" / "github" for each linked account of a provider this server offers,
 * and "saml:<authentication_method_id>" for each linked identity provider that still exists and
 * is enabled. A linked identity is what signs a person in (lib/sign-in/oauth.ts,
 * lib/saml/acs.ts); an address alone is not counted, since nobody knows whether the person
 * holds an account for it at the provider.
 */
export async function signInMethodsOf(ctx: Ctx, userIds: readonly string[], { oauthProviders = OAUTH }: ImpactOptions = {}): Promise<Map<string, string[]>> {
  const methods = new Map<string, string[]>(userIds.map((id) => [id, []]));
  if (userIds.length === 0) return methods;
  const add = (userId: string, method: string) => {
    const list = methods.get(userId)!;
    if (!list.includes(method)) list.push(method);
  };
  for (const row of await ctx.db.select({ userId: passwordCredentials.userId }).from(passwordCredentials).where(inArray(passwordCredentials.userId, [...userIds]))) {
    add(row.userId, 'password');
  }
  const linked = await ctx.db
    .select({ userId: externalIdentities.userId, provider: externalIdentities.provider })
    .from(externalIdentities)
    .where(inArray(externalIdentities.userId, [...userIds]));
  const idpIds = [...new Set(linked.map((l) => samlMethodIdOf(l.provider)).filter((id): id is string => id !== null))];
  const usableIdps = new Set(
    idpIds.length
      ? (await ctx.db
          .select({ id: authenticationMethods.id })
          .from(authenticationMethods)
          .where(and(inArray(authenticationMethods.id, idpIds), eq(authenticationMethods.type, 'saml'), eq(authenticationMethods.enabled, true))))
          .map((row) => row.id)
      : [],
  );
  for (const { userId, provider } of linked) {
    const idp = samlMethodIdOf(provider);
    if (idp ? usableIdps.has(idp) : OAUTH.includes(provider) && oauthProviders.includes(provider)) add(userId, provider);
  }
  return methods;
}

/**
 * What changing the organization's policy from `before` to `after` does, for the page to show
 * before saving. A member is listed when some method of theirs lets them into this organization
 * now and none would after (deactivated members and application users cannot sign in either
 * way and are not listed). Only live tokens count (not expired, not invalidated by the user's
 * token_validity_begin, of an active user; revoked tokens are deleted): one counts when the
 * organization accepts it now and would refuse it after, by the rules the request gate applies
 * (tokenRefusal). A token's address is judged by where it was last used (never-used tokens are
 * not counted for the IP).
 */
export async function previewImpact(ctx: Ctx, organization: Organization, before: Policy, after: Policy, options: ImpactOptions = {}): Promise<PolicyImpact> {
  const members = await ctx.db
    .select({ userId: users.id, email: users.email, state: users.state, isApplicationUser: users.isApplicationUser, tokenValidityBegin: users.tokenValidityBegin })
    .from(memberships)
    .innerJoin(users, eq(users.id, memberships.userId))
    .where(eq(memberships.organizationId, organization.id));
  const active = members.filter((m) => m.state === 'active');

  // The owner of each identity provider that sessions and links name, looked up once each.
  const idpOwners = new Map<string, string | null>();
  const lookUpOwners = async (methods: Iterable<string>) => {
    for (const method of methods) {
      const methodId = samlMethodIdOf(method);
      if (methodId && !idpOwners.has(methodId)) idpOwners.set(methodId, await identityProviderOrganization(ctx, methodId));
    }
  };
  const where = (method: string) => {
    const methodId = samlMethodIdOf(method);
    if (!methodId) return { organizationId: organization.id };
    return { organizationId: organization.id, idpOrganizationId: idpOwners.get(methodId) };
  };

  const methodsByUser = await signInMethodsOf(
    ctx,
    active.filter((m) => !m.isApplicationUser).map((m) => m.userId),
    options,
  );
  await lookUpOwners([...methodsByUser.values()].flat());
  const hasWayIn = (policy: Policy, methods: string[]) => methods.some((method) => methodAllowed(policy, method, where(method)));
  const losing = [...methodsByUser].filter(([, methods]) => hasWayIn(before, methods) && !hasWayIn(after, methods));
  const names = await identityProviderNames(ctx, losing.flatMap(([, methods]) => methods));
  const emailOf = new Map(active.map((m) => [m.userId, m.email]));
  const membersLosingSignIn = losing
    .map(([userId, methods]) => ({ userId, email: emailOf.get(userId)!, methods: methods.map((m) => signInMethodLabel(m, names)) }))
    .sort((a, b) => a.email.localeCompare(b.email));

  const validityBegin = new Map(active.map((m) => [m.userId, m.tokenValidityBegin]));
  const rows = active.length
    ? (await ctx.db
        .select({ userId: tokens.userId, kind: tokens.kind, authMethod: tokens.authMethod, lastIp: tokens.lastIp, createTime: tokens.createTime })
        .from(tokens)
        .where(and(inArray(tokens.userId, active.map((m) => m.userId)), or(isNull(tokens.expiryTime), gt(tokens.expiryTime, iso(ctx.now))))))
        // The check resolveToken makes: tokens older than the user's token_validity_begin are dead.
        .filter((token) => {
          const begin = validityBegin.get(token.userId);
          return begin === null || begin === undefined || token.createTime >= begin;
        })
    : [];
  await lookUpOwners(rows.map((token) => token.authMethod));
  const accepts = (policy: Policy, token: (typeof rows)[number]) =>
    (token.lastIp === null || allowlistOf(policy.ipAllowlist).admits(token.lastIp)) && tokenRefusal(policy, token, where(token.authMethod)) === null;

  const counts = { session: 0, personal: 0, application: 0 };
  for (const token of rows) if (accepts(before, token) && !accepts(after, token)) counts[token.kind] += 1;
  return {
    membersLosingSignIn,
    sessionsStopping: counts.session,
    personalTokensStopping: counts.personal,
    applicationTokensStopping: counts.application,
  };
}

