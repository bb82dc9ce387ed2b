import { randomBytes } from 'node:crypto';
import { and, desc, eq } from 'drizzle-orm';
import { auditEvents, emailVerifications, externalIdentities, invitations, memberships, organizations, passwordCredentials, passwordResets, recoveryCodes, tokens, totpCredentials, users } from '@/db/tables';
import { hashPassword } from '@/lib/passwords/hash';
import { recordAudit, type AuditEventName } from '@/lib/audit/record';
import { generateRecoveryCodes, hashRecoveryCode } from '@/lib/two-factor/recovery-codes';
import { generateTotpSecret } from '@/lib/two-factor/totp';
import { iso, type Ctx } from '@/lib/context';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { createToken } from '@/lib/tokens/create';
import { insertUser } from '@/lib/model/users';
import { closePostgres, first, openAsyncDatabase, transaction, type AsyncDb } from '@/db/async';
import { usedSecret } from './secrets';

// Tests write their own organizations and users straight into the running server's SQLite
// file (WAL mode lets both processes use it), through the same lib/ functions the app uses.
// Each test seeds its own, with unique names, so tests never depend on each other.

// One connection per database file for all of e2e/support (and the specs that read the file
// directly): one connection, so one transaction lock. A second connection in this process would
// wait out busy_timeout, blocking the event loop, while a transaction here holds the write lock
// across an await.
const connections = new Map<string, AsyncDb>();
export function db(file: string): AsyncDb {
  let connection = connections.get(file);
  if (!connection) {
    connection = openAsyncDatabase(file);
    connections.set(file, connection);
  }
  return connection;
}
const ctx = (file: string): Ctx => ({ db: db(file), now: new Date() });

/** Ends the connections to a PostgreSQL database that db() opened (before the database stops). */
export async function closePostgresDb(url: string): Promise<void> {
  const connection = connections.get(url);
  connections.delete(url);
  if (connection) await closePostgres(connection);
}

export const unique = (label: string) => `${label}-${randomBytes(4).toString('hex')}`;

export type SeededMember = { email: string; password: string; userId: string; organizationId: string; organizationName: string };

// Seeded people stand for established users: their addresses are proven (as if they had
// followed a mailed invitation). A test about unproven accounts makes one the way an attacker
// would, through the API.

// One password and one argon2id hash serve every user this worker seeds: hashing is slow on purpose.
const seedPassword = `pw-${randomBytes(12).toString('base64url')}`;
let seedPasswordNoted = false;
let seedHash: Promise<string> | undefined;

/** A new organization with one member who signs in with a password. */
export async function seedMember(
  file: string,
  { ipAllowlist = [], isSuperAdmin = true }: { ipAllowlist?: string[]; isSuperAdmin?: boolean } = {},
): Promise<SeededMember> {
  seedHash ??= hashPassword(seedPassword);
  const passwordHash = await seedHash;
  const password = seedPassword;
  // Noted once per worker for the log check (secrets.ts).
  if (!seedPasswordNoted) seedPasswordNoted = !!usedSecret(seedPassword);
  const c = ctx(file);
  return await transaction(c.db, async (tx) => {
    const t = { ...c, db: tx };
    const organization = await insertOrganization(t, { name: unique('Org') });
    if (ipAllowlist.length) await tx.update(organizations).set({ ipAllowlist }).where(eq(organizations.id, organization.id));
    const user = await insertUser(t, { email: `${unique('user')}@example.test`, passwordHash, emailProven: true });
    await insertMembership(t, { organizationId: organization.id, userId: user.id, isSuperAdmin });
    return { email: user.email, password, userId: user.id, organizationId: organization.id, organizationName: organization.name };
  });
}

export async function setAllowlist(file: string, organizationId: string, ipAllowlist: string[]): Promise<void> {
  await db(file).update(organizations).set({ ipAllowlist }).where(eq(organizations.id, organizationId));
}

/** The organization's "require two-factor authentication" policy switch. */
export async function setTwoFactorRequired(file: string, organizationId: string, required = true): Promise<void> {
  await db(file).update(organizations).set({ twoFactorRequired: required }).where(eq(organizations.id, organizationId));
}

/** Another member of an existing organization, with the same seeded password. */
export async function seedColleague(file: string, organizationId: string): Promise<SeededMember> {
  seedHash ??= hashPassword(seedPassword);
  const passwordHash = await seedHash;
  const c = ctx(file);
  return await transaction(c.db, async (tx) => {
    const t = { ...c, db: tx };
    const organization = (await first(tx.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1)))!;
    const user = await insertUser(t, { email: `${unique('colleague')}@example.test`, passwordHash, emailProven: true });
    await insertMembership(t, { organizationId, userId: user.id, isSuperAdmin: false });
    return { email: user.email, password: seedPassword, userId: user.id, organizationId, organizationName: organization.name };
  });
}

/** A personal token the user made earlier (created with a password session); returns the full token. */
export async function seedPersonalToken(file: string, userId: string): Promise<string> {
  return usedSecret((await createToken({
    ctx: ctx(file),
    input: {
      userId,
      kind: 'personal',
      authMethod: 'password',
      description: 'seeded personal token',
      createdManually: true,
      maxAgeSeconds: null,
      extendWhenUsed: false,
    },
  })).fullToken);
}

/**
 * A confirmed authenticator and ten recovery codes, as if the user had set them up in the
 * console; returns the secret (for computing codes) and the recovery codes.
 */
export async function seedTotp(file: string, userId: string): Promise<{ secret: string; recoveryCodes: string[] }> {
  const c = ctx(file);
  const secret = generateTotpSecret();
  const codes = generateRecoveryCodes();
  await transaction(c.db, async (tx) => {
    await tx.insert(totpCredentials).values({ userId, secret, confirmedTime: iso(c.now), createTime: iso(c.now) });
    await tx
      .insert(recoveryCodes)
      .values(codes.map((code) => ({ userId, codeHash: hashRecoveryCode(code) })));
  });
  return { secret, recoveryCodes: codes };
}

export async function totpCredentialOf(file: string, userId: string) {
  return await first(db(file).select().from(totpCredentials).where(eq(totpCredentials.userId, userId)).limit(1));
}

export async function organizationByName(file: string, name: string) {
  return await first(db(file).select().from(organizations).where(eq(organizations.name, name)).limit(1));
}

export async function userByEmail(file: string, email: string) {
  return await first(db(file).select().from(users).where(eq(users.email, email)).limit(1));
}

export async function tokensOf(file: string, userId: string) {
  return await db(file).select().from(tokens).where(eq(tokens.userId, userId));
}

/** The user's "verify your address" links as stored (hashes only). */
export async function emailVerificationsOf(file: string, userId: string) {
  return await db(file).select().from(emailVerifications).where(eq(emailVerifications.userId, userId));
}

export async function auditOf(file: string, { event, actorEmail }: { event: string; actorEmail: string }) {
  return await db(file)
    .select()
    .from(auditEvents)
    .where(and(eq(auditEvents.event, event), eq(auditEvents.actorEmail, actorEmail)))
    .orderBy(desc(auditEvents.id));
}

/**
 * Inserts tokens straight into the table, for cases the API cannot make: prefixes holding "/",
 * "+" and "=" (as upstream's base64 tokens have), or a user with a thousand tokens.
 */
export async function insertTokens(file: string, userId: string, prefixes: string[]): Promise<void> {
  const createTime = iso(new Date());
  const rows = prefixes.map((prefix) => tokenRow(userId, { tokenPrefix: prefix, description: `seeded ${prefix}`, createTime }));
  // A few statements of many rows: one long transaction of a thousand inserts would be aborted
  // on PostgreSQL (SERIALIZABLE) by the server's own writes to the table meanwhile.
  for (let i = 0; i < rows.length; i += 500) await db(file).insert(tokens).values(rows.slice(i, i + 500));
}

export async function setPolicy(file: string, organizationId: string, changes: Partial<typeof organizations.$inferInsert>): Promise<void> {
  await db(file).update(organizations).set(changes).where(eq(organizations.id, organizationId));
}

/**
 * A member with a chosen address and the seeded password whose address nobody proved: what an
 * admin who copied the invitation link and signed up with a password of their choosing leaves.
 * `proven` makes an account whose owner did prove it.
 */
export async function seedMemberAt(file: string, organizationId: string, email: string, { proven = false }: { proven?: boolean } = {}): Promise<SeededMember> {
  return await seedOrgMember(file, organizationId, { email, proven });
}

/**
 * Another member, with a password, of an organization seeded before (same password as
 * seedMember): a fresh address, proven, unless `email` and `proven` say otherwise.
 */
export async function seedOrgMember(
  file: string,
  organizationId: string,
  {
    isSuperAdmin = false,
    realName = '',
    email = `${unique('member')}@example.test`,
    proven = true,
  }: { isSuperAdmin?: boolean; realName?: string; email?: string; proven?: boolean } = {},
): Promise<SeededMember> {
  seedHash ??= hashPassword(seedPassword);
  const passwordHash = await seedHash;
  const c = ctx(file);
  // Immediate: a transaction that reads before it writes cannot take the write lock later while
  // the server writes (WAL answers SQLITE_BUSY at once instead of waiting).
  return await transaction(c.db, async (tx) => {
    const t = { ...c, db: tx };
    const organization = (await first(tx.select().from(organizations).where(eq(organizations.id, organizationId)).limit(1)))!;
    const user = await insertUser(t, { email, realName, passwordHash, emailProven: proven });
    await insertMembership(t, { organizationId, userId: user.id, isSuperAdmin });
    return { email: user.email, password: seedPassword, userId: user.id, organizationId, organizationName: organization.name };
  });
}

/** Adds an existing user to another organization (a person in several organizations). */
/**
 * Adds the user to another organization, joined a minute later than now: the console opens the
 * oldest membership first, and join times have second precision, so a tie would fall back to
 * the organizations' (random) names.
 */
export async function addMembership(file: string, organizationId: string, userId: string, isSuperAdmin = false): Promise<void> {
  await insertMembership({ db: db(file), now: new Date(Date.now() + 60_000) }, { organizationId, userId, isSuperAdmin });
}

export async function membershipOf(file: string, organizationId: string, userId: string) {
  return await first(
    db(file)
      .select()
      .from(memberships)
      .where(and(eq(memberships.organizationId, organizationId), eq(memberships.userId, userId)))
      .limit(1),
  );
}

/** A confirmed authenticator app for the user: their sign-in methods include it and 2FA shows on. */
export async function confirmTotp(file: string, userId: string): Promise<void> {
  const now = iso(new Date());
  await db(file).insert(totpCredentials).values({ userId, secret: 'JBSWY3DPEHPK3PXP', confirmedTime: now, createTime: now });
}

/** Audit events at chosen times, for paging and time filters. */
export async function recordEvents(
  file: string,
  organizationId: string,
  events: { time: string; event: AuditEventName; actorEmail: string; details?: Record<string, unknown> }[],
): Promise<void> {
  await transaction(db(file), async (tx) => {
    for (const { time, event, actorEmail, details } of events) {
      await recordAudit({ db: tx, now: new Date(time) }, { event, organizationId, actorEmail, ip: '198.51.100.7', userAgent: 'seeded', details });
    }
  });
}

/** Marks a seeded user as an application user (their own pages come with application users). */
export async function markApplicationUser(file: string, userId: string): Promise<void> {
  await db(file).update(users).set({ isApplicationUser: true }).where(eq(users.id, userId));
}

/** Marks the user as managed by the organization (as a verified domain of theirs will). */
export async function setManagedBy(file: string, userId: string, organizationId: string | null): Promise<void> {
  await db(file).update(users).set({ managingOrganizationId: organizationId }).where(eq(users.id, userId));
}

/** Sets the account's state, as Admin → Users deactivates or reactivates it. */
export async function setUserState(file: string, userId: string, state: 'active' | 'deactivated'): Promise<void> {
  await db(file).update(users).set({ state }).where(eq(users.id, userId));
}

/** A pending invitation of an address to an organization (as Admin → Users makes one). */
export async function seedInvitation(file: string, organizationId: string, email: string): Promise<void> {
  const now = new Date();
  await db(file)
    .insert(invitations)
    .values({
      id: randomBytes(12).toString('hex'),
      organizationId,
      email,
      tokenHash: randomBytes(32).toString('hex'),
      invitedByEmail: 'admin@example.test',
      createTime: iso(now),
      expiryTime: iso(new Date(now.getTime() + 86_400_000)),
    });
}

/** The third-party accounts linked to a user. */
export async function identitiesOf(file: string, userId: string) {
  return await db(file).select().from(externalIdentities).where(eq(externalIdentities.userId, userId));
}

/** Audit events of one kind whose details match (e.g. failed sign-ins of nobody known yet). */
export async function auditByDetails(file: string, event: string, match: Record<string, unknown>) {
  const rows = await db(file).select().from(auditEvents).where(eq(auditEvents.event, event)).orderBy(desc(auditEvents.id));
  return rows.filter((row) => Object.entries(match).every(([key, value]) => row.details[key] === value));
}

/** Links an external identity (provider "google", "saml:<method id>", ...) to a user, as an earlier link would have. */
export async function seedIdentity(file: string, userId: string, provider: string, subject: string): Promise<void> {
  await db(file)
    .insert(externalIdentities)
    .values({ id: randomBytes(12).toString('hex'), userId, provider, subject, email: null, createTime: iso(new Date()) });
}

/** One token row with any fields set (e.g. a session through an IdP, used from an IPv6 address): returns its prefix. */
export async function insertTokenRow(file: string, userId: string, fields: Partial<typeof tokens.$inferInsert> = {}): Promise<string> {
  return await insertTokenRowInto(db(file), userId, fields);
}

async function insertTokenRowInto(database: AsyncDb, userId: string, fields: Partial<typeof tokens.$inferInsert>): Promise<string> {
  const row = tokenRow(userId, fields);
  await database.insert(tokens).values(row);
  return row.tokenPrefix;
}

function tokenRow(userId: string, fields: Partial<typeof tokens.$inferInsert>): typeof tokens.$inferInsert & { tokenPrefix: string } {
  return {
    id: randomBytes(12).toString('hex'),
    userId,
    tokenHash: randomBytes(32).toString('hex'),
    kind: 'personal',
    authMethod: 'password',
    createdManually: true,
    createTime: iso(new Date()),
    ...fields,
    tokenPrefix: fields.tokenPrefix ?? `row${randomBytes(6).toString('hex')}`,
  };
}

/** The user's password reset links as stored (hashes only). */
export async function passwordResetsOf(file: string, userId: string) {
  return await db(file).select().from(passwordResets).where(eq(passwordResets.userId, userId));
}

/** Moves every reset link of the user an hour and a second into the past: expired. */
export async function expirePasswordResets(file: string, userId: string): Promise<void> {
  await db(file).update(passwordResets).set({ expiryTime: iso(new Date(Date.now() - 1000)) }).where(eq(passwordResets.userId, userId));
}

/** The stored argon2id hash of the user's password, or undefined without one. */
export async function passwordHashOf(file: string, userId: string): Promise<string | undefined> {
  return (await first(db(file).select({ h: passwordCredentials.passwordHash }).from(passwordCredentials).where(eq(passwordCredentials.userId, userId)).limit(1)))?.h;
}

/**
 * A member who signs in only through Google (no password), with a login session made `ageMs`
 * ago through it: returns the member and the session's full token.
 */
export async function seedSsoOnlyMember(file: string, organizationId: string, { ageMs = 0 }: { ageMs?: number } = {}) {
  const c = ctx(file);
  const user = await insertUser(c, { email: `${unique('sso')}@example.test`, emailProven: true });
  await insertMembership(c, { organizationId, userId: user.id, isSuperAdmin: false });
  await seedIdentity(file, user.id, 'google', unique('google-subject'));
  const session = await createToken({
    ctx: { db: db(file), now: new Date(Date.now() - ageMs) },
    input: { userId: user.id, kind: 'session', authMethod: 'google', description: 'Console sign-in', createdManually: false, maxAgeSeconds: 86_400, extendWhenUsed: true },
  });
  return { email: user.email, userId: user.id, sessionToken: session.fullToken };
}

/** Clears the proof of the user's address, as an account made through a copied invitation link has none. */
export async function setEmailUnproven(file: string, userId: string): Promise<void> {
  await db(file).update(users).set({ emailVerifiedTime: null }).where(eq(users.id, userId));
}
