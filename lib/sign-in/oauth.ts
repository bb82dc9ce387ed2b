import { and, asc, eq, gt } from 'drizzle-orm';
import { type Organization, type Token, type User } from '@/db/schema';
import { externalIdentities, invitations, organizations, users } from '@/db/tables';
import { recordAudit, recordUserAudit } from '@/lib/audit/record';
import type { RequestMeta } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { managingOrganizationForEmail } from '@/lib/domains/route';
import { AppError, parseInput } from '@/lib/errors';
import { newRowId } from '@/lib/ids';
import { allowlistOf } from '@/lib/net/cidr';
import { insertMembership } from '@/lib/model/organizations';
import { listMemberships } from '@/lib/model/memberships';
import { describeAllowedMethods, methodAllowed, policyOf } from '@/lib/policy/policy';
import { createToken } from '@/lib/tokens/create';
import { insertUser } from '@/lib/model/users';
import { isEmailProven, markEmailProven } from '@/lib/model/proven';
import { OAUTH_PROVIDER_LABELS, type OAuthSignUpMode } from './oauth-config';
import { oauthIdentitySchema } from './oauth-schema';
import { sessionTokenSettings } from '@/lib/auth/session';
import { first, single } from '@/db/async';

/**
 * What a third-party sign-in did, so the person can be told:
 * - signed_in: the provider account was already linked to this user;
 * - linked:    first use, linked to the existing user with the same (verified) address;
 * - created:   a new user was created for the address (and joined the organizations that invited it).
 */
export type OAuthOutcome = 'signed_in' | 'linked' | 'created';

export type OAuthSignInResult = {
  user: User;
  fullToken: string;
  token: Token;
  outcome: OAuthOutcome;
  /** Names of the organizations joined through pending invitations (new users only). */
  joined: string[];
};

/** Why a third-party sign-in was refused: the audit log's reason, and the sentence the person reads. */
export class OAuthRefusal extends AppError {
  readonly reason: string;
  constructor(reason: string, message: string, code: 'forbidden' | 'unauthorized' = 'forbidden') {
    super(code, message);
    this.reason = reason;
  }
}

type Candidate = { user: User; outcome: 'signed_in' | 'linked' } | { user: null; outcome: 'created'; invitedTo: Organization[] };

async function pendingInvitations(ctx: Ctx, email: string): Promise<Organization[]> {
  return (await ctx.db
    .select({ organization: organizations })
    .from(invitations)
    .innerJoin(organizations, eq(organizations.id, invitations.organizationId))
    .where(and(eq(invitations.email, email), gt(invitations.expiryTime, iso(ctx.now))))
    .orderBy(asc(invitations.createTime)))
    .map((row) => row.organization);
}

/**
 * Signs a person in with an identity a provider vouched for (next-auth has already checked the
 * protocol). The decisions, in order:
 * 1. The provider account (provider + subject) is linked: that user.
 * 2. Otherwise an existing user with the same address is linked, but only when the provider
 *    says it verified the address (anyone can put any address on a GitHub or Entra account), and
 *    only when the account's own address is proven (lib/model/proven.ts): an account that
 *    someone else made for the address, with a password of their choosing, is never handed the
 *    real owner's sign-ins.
 * 3. Otherwise a new user (no password) is created, again only for a verified address, and only
 *    with a pending invitation for it, or when OAUTH_SIGN_UP=open. Its address is proven: the
 *    provider verified it.
 * Then the policy: the user's organizations (or the inviting ones) must allow this provider and
 * admit the client's address, as for password sign-in. Nothing is written before every check
 * passed; every refusal is in the audit log.
 */
export async function signInWithOAuth({
  ctx,
  input,
  meta,
  signUp,
}: {
  ctx: Ctx;
  input: unknown;
  meta: RequestMeta;
  signUp: OAuthSignUpMode;
}): Promise<OAuthSignInResult> {
  const identity = parseInput(oauthIdentitySchema, input);
  const { provider, subject, email, emailVerified } = identity;
  const label = OAUTH_PROVIDER_LABELS[provider];

  const linked = await first(
    ctx.db
      .select({ user: users })
      .from(externalIdentities)
      .innerJoin(users, eq(users.id, externalIdentities.userId))
      .where(and(eq(externalIdentities.provider, provider), eq(externalIdentities.subject, subject)))
      .limit(1),
  );

  const refuse = async (orgIds: readonly string[], user: Pick<User, 'id' | 'email'> | null, refusal: OAuthRefusal): Promise<never> => {
    await recordUserAudit(ctx, orgIds, {
      event: 'auth.sign_in_failed',
      actorUserId: user?.id ?? null,
      actorEmail: user?.email ?? email,
      ip: meta.ip,
      userAgent: meta.userAgent,
      details: { method: provider, reason: refusal.reason, subject, provider_email: email, email_verified: emailVerified },
    });
    throw refusal;
  };

  let candidate: Candidate;
  if (linked) {
    candidate = { user: linked.user, outcome: 'signed_in' };
  } else {
    if (!email) {
      await refuse([], null, new OAuthRefusal('email_missing', `${label} did not share an email address, so this sign-in cannot be matched to an account. Allow access to your email address and try again.`));
    }
    const existing = await first(ctx.db.select().from(users).where(eq(users.email, email!)).limit(1));
    if (existing) {
      if (!emailVerified) {
        // The heart of it: an unverified address never opens someone else's account.
        await refuse(
          (await listMemberships(ctx, existing.id)).map((m) => m.organization.id),
          existing,
          new OAuthRefusal(
            'email_not_verified',
            `${label} has not verified ${email}, so this ${label} account cannot be linked to the Portcullis account with that address. Sign in another way, then link ${label} under Profile → Authentication.`,
          ),
        );
      }
      if (!isEmailProven(existing)) {
        // Pre-account hijacking: whoever made this account (an admin with a copied invitation
        // link, say) may still hold its password. Linking the real owner's provider account into
        // it would let them in as the owner, or leave the owner working in an account they hold.
        await refuse(
          (await listMemberships(ctx, existing.id)).map((m) => m.organization.id),
          existing,
          new OAuthRefusal(
            'email_not_proven',
            `The Portcullis account for ${email} has not proven that it owns the address, so it is not linked to your ${label} account automatically. Sign in another way, then link ${label} under Profile → Authentication.`,
          ),
        );
      }
      candidate = { user: existing, outcome: 'linked' };
    } else {
      if (!emailVerified) {
        await refuse([], null, new OAuthRefusal('email_not_verified', `${label} has not verified ${email}, so no account is created for it. Verify the address with ${label} and try again.`));
      }
      const invitedTo = await pendingInvitations(ctx, email!);
      if (invitedTo.length === 0 && signUp !== 'open') {
        await refuse(
          [],
          null,
          new OAuthRefusal(
            'no_account',
            `No Portcullis account uses ${email}, and no organization has invited it. Ask an organization admin to invite ${email}, then sign in with ${label} again.`,
          ),
        );
      }
      candidate = { user: null, outcome: 'created', invitedTo };
    }
  }

  const user = candidate.user;
  const orgs = user ? (await listMemberships(ctx, user.id)).map((m) => m.organization) : candidate.outcome === 'created' ? candidate.invitedTo : [];
  const orgIds = orgs.map((o) => o.id);
  if (user?.isApplicationUser) await refuse(orgIds, user, new OAuthRefusal('application_user', 'Application users cannot sign in'));
  if (user && user.state !== 'active') await refuse(orgIds, user, new OAuthRefusal('deactivated', 'This user account is deactivated'));

  // The same rule as password sign-in: at least one organization must allow the method and
  // admit the address; the request gate then holds each organization to its own policy.
  let joining: Organization[] = [];
  if (orgs.length > 0) {
    const allowing = orgs.filter((o) => methodAllowed(policyOf(o), provider));
    if (allowing.length === 0) {
      const who = orgs.length === 1 ? `Organization "${orgs[0]!.name}" does not allow` : 'None of your organizations allows';
      await refuse(orgIds, user, new OAuthRefusal('method_not_allowed', `${who} sign-in with ${label}. ${describeAllowedMethods(policyOf(orgs[0]!))}`));
    }
    if (!allowing.some((o) => allowlistOf(o.ipAllowlist).admits(meta.ip))) {
      await refuse(orgIds, user, new OAuthRefusal('ip_not_allowed', `IP address ${meta.ip ?? 'unknown'} is not in your organization's IP allowlist`));
    }
    // A new user joins the inviting organizations that let them in this way; an invitation of
    // an organization that does not allow this provider stays pending.
    joining = allowing.filter((o) => allowlistOf(o.ipAllowlist).admits(meta.ip));
  }

  return await inTransaction(ctx, async (ctx) => {
    const now = iso(ctx.now);
    let signedIn: User;
    const joined: string[] = [];
    if (user) {
      signedIn = user;
    } else {
      signedIn = await insertUser(ctx, { email: email!, realName: identity.name });
      const managing = await managingOrganizationForEmail(ctx, email!);
      if (managing) {
        signedIn = await single(ctx.db.update(users).set({ managingOrganizationId: managing }).where(eq(users.id, signedIn.id)).returning());
      }
      for (const organization of joining) {
        await insertMembership(ctx, { organizationId: organization.id, userId: signedIn.id, isSuperAdmin: false });
        await ctx.db.delete(invitations).where(and(eq(invitations.organizationId, organization.id), eq(invitations.email, email!)));
        await recordAudit(ctx, {
          event: 'invitation.accepted',
          organizationId: organization.id,
          actorUserId: signedIn.id,
          actorEmail: signedIn.email,
          ip: meta.ip,
          userAgent: meta.userAgent,
          details: { user_email: signedIn.email, method: provider },
        });
        joined.push(organization.name);
      }
    }
    // The provider said at this sign-in that it verified this very address: the account's address
    // is proven (a new account's from the start; the audit lands in the organizations it joined).
    if (emailVerified && email === signedIn.email && !isEmailProven(signedIn)) {
      await markEmailProven(ctx, { userId: signedIn.id, email: signedIn.email, how: 'provider_verified', meta, details: { provider, subject } });
      signedIn = (await first(ctx.db.select().from(users).where(eq(users.id, signedIn.id)).limit(1)))!;
    }
    const auditOrgIds = user ? orgIds : joining.map((o) => o.id);
    const audit = { actorUserId: signedIn.id, actorEmail: signedIn.email, ip: meta.ip, userAgent: meta.userAgent };

    if (candidate.outcome === 'signed_in') {
      await ctx.db
        .update(externalIdentities)
        .set({ lastUsedTime: now, email })
        .where(and(eq(externalIdentities.provider, provider), eq(externalIdentities.subject, subject)));
    } else {
      await ctx.db
        .insert(externalIdentities)
        .values({ id: newRowId(), userId: signedIn.id, provider, subject, email, createTime: now, lastUsedTime: now });
      await recordUserAudit(ctx, auditOrgIds, {
        ...audit,
        event: 'identity.linked',
        details: { provider, subject, provider_email: email, via: candidate.outcome === 'created' ? 'sign_up' : 'verified_email' },
      });
    }

    const created = await createToken({
      ctx,
      input: {
        userId: signedIn.id,
        kind: 'session',
        // The method the session was made with: the request gate and token enforcement read it.
        authMethod: provider,
        description: `Console sign-in with ${label}`,
        createdManually: false,
        ...sessionTokenSettings(),
      },
    });
    await recordUserAudit(ctx, auditOrgIds, {
      ...audit,
      event: 'auth.sign_in',
      details: { method: provider, token_prefix: created.token.tokenPrefix, outcome: candidate.outcome },
    });
    return { user: signedIn, fullToken: created.fullToken, token: created.token, outcome: candidate.outcome, joined };
  });
}

