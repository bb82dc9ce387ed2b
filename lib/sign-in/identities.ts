import { and, asc, eq, inArray } from 'drizzle-orm';
import { type ExternalIdentity } from '@/db/schema';
import { authenticationMethods, externalIdentities, passwordCredentials, tokens } from '@/db/tables';
import { audit, type Call, type MembershipWithOrg } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newRowId } from '@/lib/ids';
import { describeAllowedMethods, METHOD_LABELS, methodAllowed, policyOf, type SignInMethod } from '@/lib/policy/policy';
import { OAUTH_PROVIDER_LABELS, isOAuthProvider } from './oauth-config';
import { OAuthRefusal } from './oauth';
import { oauthIdentitySchema, unlinkIdentitySchema } from './oauth-schema';
import { markEmailProven } from '@/lib/model/proven';
import { affectedRows, first, single } from '@/db/async';

// The sign-in methods linked to a user (Profile → Authentication): the password and every
// external identity, whichever helper created it ("google", "github", "saml:<method id>", ...).

export type LinkedMethod =
  | { kind: 'password'; method: 'password'; label: string }
  | {
      kind: 'identity';
      /** The sign-in method the policy knows it by: "google", "microsoft", "github" or "saml". */
      method: string;
      label: string;
      identityId: string;
      provider: string;
      email: string | null;
      createTime: string;
      lastUsedTime: string | null;
    };

/** The policy's name for an identity's provider: "saml:am123" is "saml". */
export function methodOfProvider(provider: string): string {
  return provider.startsWith('saml:') ? 'saml' : provider;
}

async function identityLabel(ctx: Ctx, provider: string): Promise<string> {
  if (isOAuthProvider(provider)) return OAUTH_PROVIDER_LABELS[provider];
  if (provider.startsWith('saml:')) {
    const row = await first(
      ctx.db
        .select({ name: authenticationMethods.name })
        .from(authenticationMethods)
        .where(eq(authenticationMethods.id, provider.slice('saml:'.length)))
        .limit(1),
    );
    return row ? `SAML: ${row.name}` : 'SAML single sign-on';
  }
  return provider;
}

export async function listLinkedMethods(ctx: Ctx, userId: string): Promise<LinkedMethod[]> {
  const methods: LinkedMethod[] = [];
  const password = await first(ctx.db.select({ userId: passwordCredentials.userId }).from(passwordCredentials).where(eq(passwordCredentials.userId, userId)).limit(1));
  if (password) methods.push({ kind: 'password', method: 'password', label: 'Email and password' });
  const identities = await ctx.db
    .select()
    .from(externalIdentities)
    .where(eq(externalIdentities.userId, userId))
    .orderBy(asc(externalIdentities.createTime), asc(externalIdentities.provider));
  for (const identity of identities) {
    methods.push({
      kind: 'identity',
      method: methodOfProvider(identity.provider),
      label: await identityLabel(ctx, identity.provider),
      identityId: identity.id,
      provider: identity.provider,
      email: identity.email,
      createTime: identity.createTime,
      lastUsedTime: identity.lastUsedTime,
    });
  }
  return methods;
}

/**
 * Why unlinking would leave the user unable to sign in, or null. Never the last method; and
 * when the user belongs to organizations, what remains must be a method at least one of them
 * allows (a password is no way in where every organization has turned passwords off).
 */
export function unlinkRefusal(remaining: readonly LinkedMethod[], memberships: readonly MembershipWithOrg[]): string | null {
  if (remaining.length === 0) return 'This is your only sign-in method: link another one before you unlink it.';
  if (memberships.length === 0) return null;
  const usable = remaining.some((m) => memberships.some((ms) => methodAllowed(policyOf(ms.organization), m.method)));
  if (usable) return null;
  const first = memberships[0]!;
  const who = memberships.length === 1 ? `organization "${first.organization.name}"` : 'your organizations';
  const left = [...new Set(remaining.map((m) => METHOD_LABELS[m.method as SignInMethod] ?? m.method))].join(', ');
  return `You could no longer sign in: ${who} do${memberships.length === 1 ? 'es' : ''} not allow ${left}. ${describeAllowedMethods(policyOf(first.organization))}`;
}

/**
 * Ends the user's login sessions and personal tokens made through a sign-in method
 * (`authMethod`: "google", "saml:<method id>", ...). Returns how many of each ended.
 */
export async function endTokensMadeThrough(ctx: Ctx, userId: string, authMethod: string): Promise<{ sessions: number; personalTokens: number }> {
  const ended = async (kind: 'session' | 'personal') =>
    affectedRows(await ctx.db
      .delete(tokens)
      .where(and(eq(tokens.userId, userId), eq(tokens.authMethod, authMethod), inArray(tokens.kind, [kind]))));
  return { sessions: await ended('session'), personalTokens: await ended('personal') };
}

/**
 * Unlinks one external identity of the caller (never another user's; never the last way in).
 * The sessions and personal tokens made through that provider end with it: whoever holds the
 * provider account (the reason to unlink it may be that someone else does) keeps nothing.
 */
export async function unlinkIdentity(call: Call & { input: unknown }): Promise<ExternalIdentity> {
  const { ctx, principal, input } = call;
  const { identityId } = parseInput(unlinkIdentitySchema, input);
  return await inTransaction(ctx, async (ctx) => {
    const identity = await first(
      ctx.db
        .select()
        .from(externalIdentities)
        .where(and(eq(externalIdentities.id, identityId), eq(externalIdentities.userId, principal.user.id)))
        .limit(1),
    );
    if (!identity) throw new AppError('not_found', 'That sign-in method is not linked to your account');
    const remaining = (await listLinkedMethods(ctx, principal.user.id)).filter((m) => !(m.kind === 'identity' && m.identityId === identity.id));
    const refusal = unlinkRefusal(remaining, principal.memberships);
    if (refusal) throw new AppError('conflict', refusal);
    await ctx.db.delete(externalIdentities).where(eq(externalIdentities.id, identity.id));
    const ended = await endTokensMadeThrough(ctx, principal.user.id, identity.provider);
    await audit({ ...call, ctx }, 'identity.unlinked', {
      provider: identity.provider,
      subject: identity.subject,
      provider_email: identity.email,
      sessions_ended: ended.sessions,
      personal_tokens_revoked: ended.personalTokens,
    });
    return identity;
  });
}

/**
 * Links a provider account to the signed-in user who started the flow from Profile →
 * Authentication. The address need not match or be verified: the person proved both accounts
 * in one go. Refused when the provider account belongs to someone else, or when none of the
 * user's organizations allows the provider (a link that could never be used). When the provider
 * says it verified the account's own address, that address is proven (lib/model/proven.ts).
 */
export async function linkIdentityToUser(call: Call & { input: unknown }): Promise<{ identity: ExternalIdentity; alreadyLinked: boolean }> {
  const { ctx, principal, meta, input } = call;
  const { provider, subject, email, emailVerified } = parseInput(oauthIdentitySchema, input);
  const label = OAUTH_PROVIDER_LABELS[provider];
  const refuse = async (reason: string, message: string): Promise<never> => {
    await audit(call, 'identity.link_failed', { provider, subject, provider_email: email, reason });
    throw new OAuthRefusal(reason, message, 'forbidden');
  };
  // Checked before the transaction: a refusal's audit record must not roll back with it.
  const existing = await first(
    ctx.db
      .select()
      .from(externalIdentities)
      .where(and(eq(externalIdentities.provider, provider), eq(externalIdentities.subject, subject)))
      .limit(1),
  );
  if (existing && existing.userId !== principal.user.id) {
    await refuse('identity_taken', `This ${label} account is already linked to another Portcullis user. Unlink it there first.`);
  }
  // The provider vouches, at this sign-in, for the very address the account has.
  const proves = async (ctx: Ctx) => {
    if (emailVerified && email === principal.user.email) {
      await markEmailProven(ctx, { userId: principal.user.id, email, how: 'provider_verified', meta, details: { provider, subject } });
    }
  };
  if (existing) {
    await inTransaction(ctx, proves);
    return { identity: existing, alreadyLinked: true };
  }
  if (principal.memberships.length > 0 && !principal.memberships.some((m) => methodAllowed(policyOf(m.organization), provider))) {
    const first = principal.memberships[0]!;
    await refuse('method_not_allowed', `Your organizations do not allow sign-in with ${label}. ${describeAllowedMethods(policyOf(first.organization))}`);
  }
  return await inTransaction(ctx, async (ctx) => {
    // The unique index on (provider, subject) stops a concurrent link of the same account.
    const identity = await single(
      ctx.db
        .insert(externalIdentities)
        .values({ id: newRowId(), userId: principal.user.id, provider, subject, email, createTime: iso(ctx.now), lastUsedTime: null })
        .returning(),
    );
    await audit({ ...call, ctx }, 'identity.linked', { provider, subject, provider_email: email, via: 'profile' });
    await proves(ctx);
    return { identity, alreadyLinked: false };
  });
}
