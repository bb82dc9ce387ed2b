import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are stored as ISO-8601 UTC strings (the wire format), so they sort and compare as text.

export const personalTokenModes = ['enabled', 'disabled_for_managed', 'disabled'] as const;
export type PersonalTokenMode = (typeof personalTokenModes)[number];

export const organizations = sqliteTable('organizations', {
  // organization_id of the Aiven API, e.g. "org4f9ed964ba9".
  id: text('id').primaryKey(),
  // account_id of the Aiven API, e.g. "a225dad8d3c4": identity providers are keyed by it.
  accountId: text('account_id').notNull().unique(),
  name: text('name').notNull(),
  tier: text('tier', { enum: ['business', 'personal'] }).notNull().default('business'),
  // CIDRs; an empty list means "no restriction". Checked by the request gate on every request.
  ipAllowlist: text('ip_allowlist', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
  // The authentication policy. It lives on the organization row because the request gate
  // loads that row anyway: enforcing the policy costs no extra query.
  passwordAuthEnabled: integer('password_auth_enabled', { mode: 'boolean' }).notNull().default(true),
  // Password sign-ins must pass a TOTP check; SSO and third-party sign-ins are not affected.
  twoFactorRequired: integer('two_factor_required', { mode: 'boolean' }).notNull().default(false),
  oauthEnabled: integer('oauth_enabled', { mode: 'boolean' }).notNull().default(true),
  oauthGoogleEnabled: integer('oauth_google_enabled', { mode: 'boolean' }).notNull().default(true),
  oauthMicrosoftEnabled: integer('oauth_microsoft_enabled', { mode: 'boolean' }).notNull().default(true),
  oauthGithubEnabled: integer('oauth_github_enabled', { mode: 'boolean' }).notNull().default(true),
  samlEnabled: integer('saml_enabled', { mode: 'boolean' }).notNull().default(true),
  // Members may sign in through identity providers of other organizations.
  samlAllowExternal: integer('saml_allow_external', { mode: 'boolean' }).notNull().default(true),
  personalTokensMode: text('personal_tokens_mode', { enum: personalTokenModes }).notNull().default('enabled'),
  // Token authentication-method enforcement: a token made with a method the policy no longer
  // allows stops working for this organization.
  personalTokensRequireAllowedAuthMethod: integer('personal_tokens_require_allowed_auth_method', { mode: 'boolean' })
    .notNull()
    .default(false),
  // Upstream field, stored and returned; no MCP server exists here for it to govern.
  mcpEnabled: integer('mcp_enabled', { mode: 'boolean' }).notNull().default(true),
  createTime: text('create_time').notNull(),
  updateTime: text('update_time').notNull(),
});
export type Organization = typeof organizations.$inferSelect;

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  // Stored lower-cased; unique so one address is one person.
  email: text('email').notNull().unique(),
  realName: text('real_name').notNull().default(''),
  state: text('state', { enum: ['active', 'deactivated'] }).notNull().default('active'),
  isApplicationUser: integer('is_application_user', { mode: 'boolean' }).notNull().default(false),
  // Tokens created before this time are no longer valid (Aiven's token_validity_begin).
  tokenValidityBegin: text('token_validity_begin'),
  // Kept current (throttled) by token use; shown on the Users page.
  lastActivityTime: text('last_activity_time'),
  // The organization that manages this user: set when the user's email domain is verified by
  // that organization. Its policy's "disabled for managed users" settings apply to them.
  managingOrganizationId: text('managing_organization_id').references(() => organizations.id, { onDelete: 'set null' }),
  createTime: text('create_time').notNull(),
});
export type User = typeof users.$inferSelect;

// A TOTP authenticator (RFC 6238). The shared secret must be readable to check codes, so it
// cannot be hashed like passwords and tokens; it is useless without the password it backs.
export const totpCredentials = sqliteTable('totp_credentials', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  // Null until the user confirms enrollment with a first code.
  confirmedTime: text('confirmed_time'),
  // The last time step accepted: a code (and any earlier one) cannot be used twice.
  lastUsedStep: integer('last_used_step'),
  createTime: text('create_time').notNull(),
});
export type TotpCredential = typeof totpCredentials.$inferSelect;

// One-time recovery codes for a lost authenticator: stored hashed, shown once.
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    usedTime: text('used_time'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const memberships = sqliteTable(
  'memberships',
  {
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    isSuperAdmin: integer('is_super_admin', { mode: 'boolean' }).notNull().default(false),
    joinTime: text('join_time').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);
export type Membership = typeof memberships.$inferSelect;

export const passwordCredentials = sqliteTable('password_credentials', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  // argon2id PHC string; the plain password is never stored or logged.
  passwordHash: text('password_hash').notNull(),
  updateTime: text('update_time').notNull(),
});
export type PasswordCredential = typeof passwordCredentials.$inferSelect;

export const tokenKinds = ['session', 'personal', 'application'] as const;
export type TokenKind = (typeof tokenKinds)[number];

export const tokens = sqliteTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    userId: text('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    // SHA-256 of the full token, hex. The token itself is never stored: a database leak
    // yields nothing that authenticates. Unique so a lookup finds at most one row.
    tokenHash: text('token_hash').notNull(),
    // The first characters of the token, shown to users and accepted by the API to name it.
    tokenPrefix: text('token_prefix').notNull(),
    kind: text('kind', { enum: tokenKinds }).notNull(),
    // The sign-in method that created the token ("password", "google", "saml", ...);
    // policy enforcement compares it with the organization's allowed methods.
    authMethod: text('auth_method').notNull(),
    description: text('description').notNull().default(''),
    createdManually: integer('created_manually', { mode: 'boolean' }).notNull(),
    createTime: text('create_time').notNull(),
    expiryTime: text('expiry_time'),
    maxAgeSeconds: integer('max_age_seconds'),
    extendWhenUsed: integer('extend_when_used', { mode: 'boolean' }).notNull().default(false),
    ipAllowlist: text('ip_allowlist', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    scopes: text('scopes', { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`),
    lastUsedTime: text('last_used_time'),
    lastIp: text('last_ip'),
    lastUserAgent: text('last_user_agent'),
  },
  (t) => [
    uniqueIndex('tokens_hash_idx').on(t.tokenHash),
    uniqueIndex('tokens_user_prefix_idx').on(t.userId, t.tokenPrefix),
  ],
);
export type Token = typeof tokens.$inferSelect;

export const auditEvents = sqliteTable(
  'audit_events',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    time: text('time').notNull(),
    // Null for events that belong to no organization (a failed sign-in for an unknown email).
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    // Kept as plain values, not foreign keys: the record outlives the user it names.
    actorUserId: text('actor_user_id'),
    actorEmail: text('actor_email'),
    event: text('event').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: text('details', { mode: 'json' }).$type<Record<string, unknown>>().notNull().default(sql`'{}'`),
  },
  (t) => [index('audit_org_time_idx').on(t.organizationId, t.time), index('audit_actor_idx').on(t.actorUserId)],
);
export type AuditEvent = typeof auditEvents.$inferSelect;

// Failed sign-in counters for rate limiting, keyed "email:<addr>" or "ip:<addr>".
export const signInFailures = sqliteTable('sign_in_failures', {
  key: text('key').primaryKey(),
  windowStart: text('window_start').notNull(),
  count: integer('count').notNull(),
});

// Per-install values generated at first start (e.g. the next-auth secret when none is configured).
export const instanceSettings = sqliteTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const invitations = sqliteTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organizationId: text('organization_id')
      .notNull()
      .references(() => organizations.id, { onDelete: 'cascade' }),
    email: text('email').notNull(),
    // SHA-256 of the secret in the invitation link: the link is shown to the inviting admin (and
    // mailed), never stored. Unique so a link names exactly one invitation.
    tokenHash: text('token_hash').notNull(),
    invitedByUserId: text('invited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    invitedByEmail: text('invited_by_email').notNull(),
    createTime: text('create_time').notNull(),
    expiryTime: text('expiry_time').notNull(),
  },
  (t) => [uniqueIndex('invitations_token_idx').on(t.tokenHash), uniqueIndex('invitations_org_email_idx').on(t.organizationId, t.email)],
);
export type Invitation = typeof invitations.$inferSelect;
