import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { authenticationMethods, externalIdentities, organizations, tokens, users, type Organization, type User } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { advance, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { previewImpact, signInMethodsOf } from './impact';
import { policyOf, type Policy } from './policy';

// The impact preview: who is left with no way in, and which live tokens stop, for a proposed
// policy. Every way of signing in counts: a password, each linked Google / Microsoft / GitHub
// account, each linked identity provider.

let ids = 0;

function idp(ctx: Ctx, organizationId: string, { name = 'Okta', enabled = true } = {}): string {
  const id = `am${++ids}x`;
  const now = iso(ctx.now);
  ctx.db
    .insert(authenticationMethods)
    .values({ id, organizationId, name, type: 'saml', enabled, spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now })
    .run();
  return id;
}

/** An identity provider of the organization and one of another organization ("Elsewhere"), in that order. */
function ownAndForeignIdps(ctx: Ctx, organizationId: string) {
  const elsewhere = seedOrganization(ctx, { name: 'Elsewhere' });
  const own = idp(ctx, organizationId);
  return { own, foreign: idp(ctx, elsewhere.id) };
}

function link(ctx: Ctx, userId: string, provider: string): void {
  ctx.db.insert(externalIdentities).values({ id: `ei${++ids}`, userId, provider, subject: `s${ids}`, createTime: iso(ctx.now) }).run();
}

/** An organization whose stored policy allows everything, other organizations' IdPs included. */
function world(ctx: Ctx) {
  const org = seedOrganization(ctx, { name: 'Here' });
  ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, org.id)).run();
  const organization = ctx.db.select().from(organizations).where(eq(organizations.id, org.id)).get()!;
  const member = (email: string, { password = false, links = [] as string[] } = {}): User => {
    const user = seedUser(ctx, { email, ...(password ? { passwordHash: 'x' } : {}) });
    seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    for (const provider of links) link(ctx, user.id, provider);
    return user;
  };
  const before = policyOf(organization);
  const listed = (after: Partial<Policy>, from: Partial<Policy> = {}, organizationRow: Organization = organization) =>
    previewImpact(ctx, organizationRow, { ...before, ...from }, { ...before, ...from, ...after })
      .membersLosingSignIn.map((m) => m.email)
      .sort();
  return { organization, before, member, listed };
}

describe('previewImpact: members left with no way in', () => {
  it('password only: listed when passwords go off, not when SSO or third-party sign-in goes off', () => {
    const ctx = testCtx();
    const { member, listed } = world(ctx);
    member('pat@example.test', { password: true });
    expect(listed({ passwordAuthEnabled: false })).toEqual(['pat@example.test']);
    expect(listed({ samlEnabled: false })).toEqual([]);
    expect(listed({ oauthEnabled: false })).toEqual([]);
  });

  it('SSO only: listed when SAML goes off (which used to list nobody), not when passwords go off', () => {
    const ctx = testCtx();
    const { organization, member, listed } = world(ctx);
    const okta = idp(ctx, organization.id);
    member('sam@example.test', { links: [`saml:${okta}`] });
    expect(listed({ samlEnabled: false })).toEqual(['sam@example.test']);
    expect(listed({ passwordAuthEnabled: false })).toEqual([]);
  });

  it('password and SSO: listed only when both go off (it used to be listed when passwords went off)', () => {
    const ctx = testCtx();
    const { organization, member, listed } = world(ctx);
    const okta = idp(ctx, organization.id);
    member('both@example.test', { password: true, links: [`saml:${okta}`] });
    expect(listed({ passwordAuthEnabled: false })).toEqual([]);
    expect(listed({ samlEnabled: false })).toEqual([]);
    expect(listed({ passwordAuthEnabled: false, samlEnabled: false })).toEqual(['both@example.test']);
  });

  it('names the methods each listed member has, identity providers by name', () => {
    const ctx = testCtx();
    const { organization, before } = world(ctx);
    const okta = idp(ctx, organization.id, { name: 'Corp Okta' });
    const user = seedUser(ctx, { email: 'two@example.test', passwordHash: 'x' });
    seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    link(ctx, user.id, `saml:${okta}`);
    link(ctx, user.id, 'github');
    const impact = previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false, samlEnabled: false, oauthEnabled: false });
    expect(impact.membersLosingSignIn).toEqual([{ userId: user.id, email: 'two@example.test', methods: ['password', 'SSO: Corp Okta', 'GitHub'] }]);
  });

  it.each([
    ['Google off', { oauthGoogleEnabled: false }, ['google@example.test']],
    ['Microsoft off', { oauthMicrosoftEnabled: false }, ['microsoft@example.test']],
    ['GitHub off', { oauthGithubEnabled: false }, ['github@example.test']],
    ['third-party sign-in off', { oauthEnabled: false }, ['github@example.test', 'google+github@example.test', 'google@example.test', 'microsoft@example.test']],
  ] as const)('third-party providers one by one: %s', (_name, after, expected) => {
    const ctx = testCtx();
    const { member, listed } = world(ctx);
    member('google@example.test', { links: ['google'] });
    member('microsoft@example.test', { links: ['microsoft'] });
    member('github@example.test', { links: ['github'] });
    // Two providers: switching off one leaves the other.
    member('google+github@example.test', { links: ['google', 'github'] });
    // Google linked beside a password: never listed by a third-party switch.
    member('google+password@example.test', { links: ['google'], password: true });
    expect(listed(after)).toEqual(expected);
  });

  it('other organizations\' identity providers: members who sign in only through one are listed when "allow external" goes off', () => {
    const ctx = testCtx();
    const { organization, member, listed } = world(ctx);
    const { own, foreign } = ownAndForeignIdps(ctx, organization.id);
    member('foreign@example.test', { links: [`saml:${foreign}`] });
    member('own@example.test', { links: [`saml:${own}`] });
    member('foreign+own@example.test', { links: [`saml:${foreign}`, `saml:${own}`] });
    member('foreign+password@example.test', { links: [`saml:${foreign}`], password: true });
    expect(listed({ samlAllowExternal: false })).toEqual(['foreign@example.test']);
    // Already refusing them: nobody loses anything by SAML going off who had only the foreign IdP.
    expect(listed({ samlEnabled: false }, { samlAllowExternal: false })).toEqual(['foreign+own@example.test', 'own@example.test']);
  });

  it('a link to a disabled or deleted identity provider, or to a provider this server does not offer, is no way in', () => {
    const ctx = testCtx();
    const { organization, before, member } = world(ctx);
    const off = idp(ctx, organization.id, { enabled: false });
    member('disabled-idp@example.test', { links: [`saml:${off}`], password: true });
    member('deleted-idp@example.test', { links: ['saml:amGone'], password: true });
    member('unconfigured-google@example.test', { links: ['google'], password: true });
    member('odd-provider@example.test', { links: ['myspace'], password: true });
    const impact = previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false }, { oauthProviders: ['github'] });
    expect(impact.membersLosingSignIn.map((m) => m.email).sort()).toEqual([
      'deleted-idp@example.test',
      'disabled-idp@example.test',
      'odd-provider@example.test',
      'unconfigured-google@example.test',
    ]);
    // With Google offered, the Google link is a way in.
    expect(previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false }).membersLosingSignIn.map((m) => m.email)).not.toContain(
      'unconfigured-google@example.test',
    );
  });

  it('lists nobody who had no way in before, deactivated members and application users', () => {
    const ctx = testCtx();
    const { member, listed } = world(ctx);
    const gone = member('gone@example.test', { password: true });
    ctx.db.update(users).set({ state: 'deactivated' }).where(eq(users.id, gone.id)).run();
    const app = member('app@example.test');
    ctx.db.update(users).set({ isApplicationUser: true }).where(eq(users.id, app.id)).run();
    member('github@example.test', { links: ['github'] });
    // GitHub was off already: turning passwords off takes nothing more from that member.
    expect(listed({ passwordAuthEnabled: false }, { oauthGithubEnabled: false })).toEqual([]);
  });

  it('signInMethodsOf: every method of each user, without repeats; none for unknown ids', () => {
    const ctx = testCtx();
    const { organization, member } = world(ctx);
    const okta = idp(ctx, organization.id);
    const user = member('all@example.test', { password: true, links: ['google', 'microsoft', 'github', `saml:${okta}`] });
    const methods = signInMethodsOf(ctx, [user.id, 'nobody']);
    expect(methods.get(user.id)).toEqual(['password', 'google', 'microsoft', 'github', `saml:${okta}`]);
    expect(methods.get('nobody')).toEqual([]);
    expect(signInMethodsOf(ctx, []).size).toBe(0);
  });
});

describe('previewImpact: only live tokens count', () => {
  it('expired, revoked and invalidated tokens and tokens of deactivated users are not counted', () => {
    const ctx = testCtx();
    const { organization, before, member } = world(ctx);
    const pat = member('pat@example.test', { password: true });
    const count = () => previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false, personalTokensRequireAllowedAuthMethod: true });

    seedToken(ctx, pat.id, { kind: 'session', authMethod: 'password', maxAgeSeconds: 3600 });
    seedToken(ctx, pat.id, { kind: 'personal', authMethod: 'password' });
    expect(count()).toMatchObject({ sessionsStopping: 1, personalTokensStopping: 1 });

    // Expired: the session's hour passes.
    advance(ctx, 3600 * 1000);
    expect(count()).toMatchObject({ sessionsStopping: 0, personalTokensStopping: 1 });

    // Revoked: the row is gone.
    const revoked = seedToken(ctx, pat.id, { kind: 'personal', authMethod: 'password' }).token;
    expect(count().personalTokensStopping).toBe(2);
    ctx.db.delete(tokens).where(eq(tokens.id, revoked.id)).run();
    expect(count().personalTokensStopping).toBe(1);

    // "Expire all tokens" (token_validity_begin after their creation).
    advance(ctx, 1000);
    ctx.db.update(users).set({ tokenValidityBegin: iso(ctx.now) }).where(eq(users.id, pat.id)).run();
    expect(count().personalTokensStopping).toBe(0);
    // A token made at or after that time is live again.
    seedToken(ctx, pat.id, { kind: 'personal', authMethod: 'password' });
    expect(count().personalTokensStopping).toBe(1);

    // Deactivated: none of their tokens works anyway.
    ctx.db.update(users).set({ state: 'deactivated' }).where(eq(users.id, pat.id)).run();
    expect(count()).toMatchObject({ sessionsStopping: 0, personalTokensStopping: 0 });
  });

  it('"disabled for managed users" stops every live personal token, managed owner or not; sessions and application tokens stay', () => {
    const ctx = testCtx();
    const { organization, before, member } = world(ctx);
    const managed = member('managed@example.test', { password: true });
    ctx.db.update(users).set({ managingOrganizationId: organization.id }).where(eq(users.id, managed.id)).run();
    const free = member('free@example.test', { password: true });
    const app = member('app@example.test');
    for (const user of [managed, free]) {
      seedToken(ctx, user.id, { kind: 'personal', authMethod: 'password' });
      seedToken(ctx, user.id, { kind: 'session', authMethod: 'password' });
    }
    seedToken(ctx, app.id, { kind: 'application', authMethod: 'api' });
    const impact = previewImpact(ctx, organization, before, { ...before, personalTokensMode: 'disabled_for_managed' });
    expect(impact).toEqual({ membersLosingSignIn: [], sessionsStopping: 0, personalTokensStopping: 2, applicationTokensStopping: 0 });
  });

  it('sessions through an identity provider stop with SAML, and with "allow external" only when the IdP is another organization\'s', () => {
    const ctx = testCtx();
    const { organization, before, member } = world(ctx);
    const { own, foreign } = ownAndForeignIdps(ctx, organization.id);
    const sam = member('sam@example.test', { links: [`saml:${own}`, `saml:${foreign}`] });
    seedToken(ctx, sam.id, { kind: 'session', authMethod: `saml:${own}`, maxAgeSeconds: 3600 });
    seedToken(ctx, sam.id, { kind: 'session', authMethod: `saml:${foreign}`, maxAgeSeconds: 3600 });
    expect(previewImpact(ctx, organization, before, { ...before, samlAllowExternal: false }).sessionsStopping).toBe(1);
    expect(previewImpact(ctx, organization, before, { ...before, samlEnabled: false }).sessionsStopping).toBe(2);
  });
});
