import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { type Organization, type User } from '@/db/schema';
import { authenticationMethods, externalIdentities, organizations, tokens, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { advance, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { previewImpact, signInMethodsOf } from './impact';
import { policyOf, type Policy } from './policy';
import { first } from '@/db/async';

// The impact preview: who is left with no way in, and which live tokens stop, for a proposed
// policy. Every way of signing in counts: a password, each linked Google / Microsoft / GitHub
// account, each linked identity provider.

let ids = 0;

async function idp(ctx: Ctx, organizationId: string, { name = 'Okta', enabled = true } = {}): Promise<string> {
  const id = `am${++ids}x`;
  const now = iso(ctx.now);
  await ctx.db
    .insert(authenticationMethods)
    .values({ id, organizationId, name, type: 'saml', enabled, spPrivateKey: 'x', spCertificate: 'x', createTime: now, updateTime: now });
  return id;
}

/** An identity provider of the organization and one of another organization ("Elsewhere"), in that order. */
async function ownAndForeignIdps(ctx: Ctx, organizationId: string) {
  const elsewhere = await seedOrganization(ctx, { name: 'Elsewhere' });
  const own = await idp(ctx, organizationId);
  return { own, foreign: await idp(ctx, elsewhere.id) };
}

async function link(ctx: Ctx, userId: string, provider: string): Promise<void> {
  await ctx.db.insert(externalIdentities).values({ id: `ei${++ids}`, userId, provider, subject: `s${ids}`, createTime: iso(ctx.now) });
}

/** An organization whose stored policy allows everything, other organizations' IdPs included. */
async function world(ctx: Ctx) {
  const org = await seedOrganization(ctx, { name: 'Here' });
  await ctx.db.update(organizations).set({ samlAllowExternal: true }).where(eq(organizations.id, org.id));
  const organization = (await first(ctx.db.select().from(organizations).where(eq(organizations.id, org.id)).limit(1)))!;
  const member = async (email: string, { password = false, links = [] as string[] } = {}): Promise<User> => {
    const user = await seedUser(ctx, { email, ...(password ? { passwordHash: 'x' } : {}) });
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    for (const provider of links) await link(ctx, user.id, provider);
    return user;
  };
  const before = policyOf(organization);
  const listed = async (after: Partial<Policy>, from: Partial<Policy> = {}, organizationRow: Organization = organization) =>
    (await previewImpact(ctx, organizationRow, { ...before, ...from }, { ...before, ...from, ...after }))
      .membersLosingSignIn.map((m) => m.email)
      .sort();
  return { organization, before, member, listed };
}

describe('previewImpact: members left with no way in', () => {
  it('password only: listed when passwords go off, not when SSO or third-party sign-in goes off', async () => {
    const ctx = testCtx();
    const { member, listed } = await world(ctx);
    await member('pat@example.test', { password: true });
    expect(await listed({ passwordAuthEnabled: false })).toEqual(['pat@example.test']);
    expect(await listed({ samlEnabled: false })).toEqual([]);
    expect(await listed({ oauthEnabled: false })).toEqual([]);
  });

  it('SSO only: listed when SAML goes off (which used to list nobody), not when passwords go off', async () => {
    const ctx = testCtx();
    const { organization, member, listed } = await world(ctx);
    const okta = await idp(ctx, organization.id);
    await member('sam@example.test', { links: [`saml:${okta}`] });
    expect(await listed({ samlEnabled: false })).toEqual(['sam@example.test']);
    expect(await listed({ passwordAuthEnabled: false })).toEqual([]);
  });

  it('password and SSO: listed only when both go off (it used to be listed when passwords went off)', async () => {
    const ctx = testCtx();
    const { organization, member, listed } = await world(ctx);
    const okta = await idp(ctx, organization.id);
    await member('both@example.test', { password: true, links: [`saml:${okta}`] });
    expect(await listed({ passwordAuthEnabled: false })).toEqual([]);
    expect(await listed({ samlEnabled: false })).toEqual([]);
    expect(await listed({ passwordAuthEnabled: false, samlEnabled: false })).toEqual(['both@example.test']);
  });

  it('names the methods each listed member has, identity providers by name', async () => {
    const ctx = testCtx();
    const { organization, before } = await world(ctx);
    const okta = await idp(ctx, organization.id, { name: 'Corp Okta' });
    const user = await seedUser(ctx, { email: 'two@example.test', passwordHash: 'x' });
    await seedMembership(ctx, { organizationId: organization.id, userId: user.id });
    await link(ctx, user.id, `saml:${okta}`);
    await link(ctx, user.id, 'github');
    const impact = await previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false, samlEnabled: false, oauthEnabled: false });
    expect(impact.membersLosingSignIn).toEqual([{ userId: user.id, email: 'two@example.test', methods: ['password', 'SSO: Corp Okta', 'GitHub'] }]);
  });

  it.each([
    ['Google off', { oauthGoogleEnabled: false }, ['google@example.test']],
    ['Microsoft off', { oauthMicrosoftEnabled: false }, ['microsoft@example.test']],
    ['GitHub off', { oauthGithubEnabled: false }, ['github@example.test']],
    ['third-party sign-in off', { oauthEnabled: false }, ['github@example.test', 'google+github@example.test', 'google@example.test', 'microsoft@example.test']],
  ] as const)('third-party providers one by one: %s', async (_name, after, expected) => {
    const ctx = testCtx();
    const { member, listed } = await world(ctx);
    await member('google@example.test', { links: ['google'] });
    await member('microsoft@example.test', { links: ['microsoft'] });
    await member('github@example.test', { links: ['github'] });
    // Two providers: switching off one leaves the other.
    await member('google+github@example.test', { links: ['google', 'github'] });
    // Google linked beside a password: never listed by a third-party switch.
    await member('google+password@example.test', { links: ['google'], password: true });
    expect(await listed(after)).toEqual(expected);
  });

  it('other organizations\' identity providers: members who sign in only through one are listed when "allow external" goes off', async () => {
    const ctx = testCtx();
    const { organization, member, listed } = await world(ctx);
    const { own, foreign } = await ownAndForeignIdps(ctx, organization.id);
    await member('foreign@example.test', { links: [`saml:${foreign}`] });
    await member('own@example.test', { links: [`saml:${own}`] });
    await member('foreign+own@example.test', { links: [`saml:${foreign}`, `saml:${own}`] });
    await member('foreign+password@example.test', { links: [`saml:${foreign}`], password: true });
    expect(await listed({ samlAllowExternal: false })).toEqual(['foreign@example.test']);
    // Already refusing them: nobody loses anything by SAML going off who had only the foreign IdP.
    expect(await listed({ samlEnabled: false }, { samlAllowExternal: false })).toEqual(['foreign+own@example.test', 'own@example.test']);
  });

  it('a link to a disabled or deleted identity provider, or to a provider this server does not offer, is no way in', async () => {
    const ctx = testCtx();
    const { organization, before, member } = await world(ctx);
    const off = await idp(ctx, organization.id, { enabled: false });
    await member('disabled-idp@example.test', { links: [`saml:${off}`], password: true });
    await member('deleted-idp@example.test', { links: ['saml:amGone'], password: true });
    await member('unconfigured-google@example.test', { links: ['google'], password: true });
    await member('odd-provider@example.test', { links: ['myspace'], password: true });
    const impact = await previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false }, { oauthProviders: ['github'] });
    expect(impact.membersLosingSignIn.map((m) => m.email).sort()).toEqual([
      'deleted-idp@example.test',
      'disabled-idp@example.test',
      'odd-provider@example.test',
      'unconfigured-google@example.test',
    ]);
    // With Google offered, the Google link is a way in.
    expect((await previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false })).membersLosingSignIn.map((m) => m.email)).not.toContain(
      'unconfigured-google@example.test',
    );
  });

  it('lists nobody who had no way in before, deactivated members and application users', async () => {
    const ctx = testCtx();
    const { member, listed } = await world(ctx);
    const gone = await member('gone@example.test', { password: true });
    await ctx.db.update(users).set({ state: 'deactivated' }).where(eq(users.id, gone.id));
    const app = await member('app@example.test');
    await ctx.db.update(users).set({ isApplicationUser: true }).where(eq(users.id, app.id));
    await member('github@example.test', { links: ['github'] });
    // GitHub was off already: turning passwords off takes nothing more from that member.
    expect(await listed({ passwordAuthEnabled: false }, { oauthGithubEnabled: false })).toEqual([]);
  });

  it('signInMethodsOf: every method of each user, without repeats; none for unknown ids', async () => {
    const ctx = testCtx();
    const { organization, member } = await world(ctx);
    const okta = await idp(ctx, organization.id);
    const user = await member('all@example.test', { password: true, links: ['google', 'microsoft', 'github', `saml:${okta}`] });
    const methods = await signInMethodsOf(ctx, [user.id, 'nobody']);
    expect(methods.get(user.id)).toEqual(['password', 'google', 'microsoft', 'github', `saml:${okta}`]);
    expect(methods.get('nobody')).toEqual([]);
    expect((await signInMethodsOf(ctx, [])).size).toBe(0);
  });
});

describe('previewImpact: only live tokens count', () => {
  it('expired, revoked and invalidated tokens and tokens of deactivated users are not counted', async () => {
    const ctx = testCtx();
    const { organization, before, member } = await world(ctx);
    const pat = await member('pat@example.test', { password: true });
    const count = () => previewImpact(ctx, organization, before, { ...before, passwordAuthEnabled: false, personalTokensRequireAllowedAuthMethod: true });

    await seedToken(ctx, pat.id, { kind: 'session', authMethod: 'password', maxAgeSeconds: 3600 });
    await seedToken(ctx, pat.id, { kind: 'personal', authMethod: 'password' });
    expect(await count()).toMatchObject({ sessionsStopping: 1, personalTokensStopping: 1 });

    // Expired: the session's hour passes.
    advance(ctx, 3600 * 1000);
    expect(await count()).toMatchObject({ sessionsStopping: 0, personalTokensStopping: 1 });

    // Revoked: the row is gone.
    const revoked = (await seedToken(ctx, pat.id, { kind: 'personal', authMethod: 'password' })).token;
    expect((await count()).personalTokensStopping).toBe(2);
    await ctx.db.delete(tokens).where(eq(tokens.id, revoked.id));
    expect((await count()).personalTokensStopping).toBe(1);

    // "Expire all tokens" (token_validity_begin after their creation).
    advance(ctx, 1000);
    await ctx.db.update(users).set({ tokenValidityBegin: iso(ctx.now) }).where(eq(users.id, pat.id));
    expect((await count()).personalTokensStopping).toBe(0);
    // A token made at or after that time is live again.
    await seedToken(ctx, pat.id, { kind: 'personal', authMethod: 'password' });
    expect((await count()).personalTokensStopping).toBe(1);

    // Deactivated: none of their tokens works anyway.
    await ctx.db.update(users).set({ state: 'deactivated' }).where(eq(users.id, pat.id));
    expect(await count()).toMatchObject({ sessionsStopping: 0, personalTokensStopping: 0 });
  });

  it('"disabled for managed users" stops every live personal token, managed owner or not; sessions and application tokens stay', async () => {
    const ctx = testCtx();
    const { organization, before, member } = await world(ctx);
    const managed = await member('managed@example.test', { password: true });
    await ctx.db.update(users).set({ managingOrganizationId: organization.id }).where(eq(users.id, managed.id));
    const free = await member('free@example.test', { password: true });
    const app = await member('app@example.test');
    for (const user of [managed, free]) {
      await seedToken(ctx, user.id, { kind: 'personal', authMethod: 'password' });
      await seedToken(ctx, user.id, { kind: 'session', authMethod: 'password' });
    }
    await seedToken(ctx, app.id, { kind: 'application', authMethod: 'api' });
    const impact = await previewImpact(ctx, organization, before, { ...before, personalTokensMode: 'disabled_for_managed' });
    expect(impact).toEqual({ membersLosingSignIn: [], sessionsStopping: 0, personalTokensStopping: 2, applicationTokensStopping: 0 });
  });

  it('sessions through an identity provider stop with SAML, and with "allow external" only when the IdP is another organization\'s', async () => {
    const ctx = testCtx();
    const { organization, before, member } = await world(ctx);
    const { own, foreign } = await ownAndForeignIdps(ctx, organization.id);
    const sam = await member('sam@example.test', { links: [`saml:${own}`, `saml:${foreign}`] });
    await seedToken(ctx, sam.id, { kind: 'session', authMethod: `saml:${own}`, maxAgeSeconds: 3600 });
    await seedToken(ctx, sam.id, { kind: 'session', authMethod: `saml:${foreign}`, maxAgeSeconds: 3600 });
    expect((await previewImpact(ctx, organization, before, { ...before, samlAllowExternal: false })).sessionsStopping).toBe(1);
    expect((await previewImpact(ctx, organization, before, { ...before, samlEnabled: false })).sessionsStopping).toBe(2);
  });
});
