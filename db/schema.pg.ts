// The PostgreSQL mirror of db/schema.ts (issue 17). Drizzle has no schema that serves both
// dialects, so every table exists twice: there in sqlite-core, here in pg-core. The two files
// must change together (then `npm run db:generate` writes a migration for each);
// db/schema-drift.test.ts compares them table by table and fails when they drift apart.
//
// Why a column or constraint exists is commented in db/schema.ts only; this file says how
// PostgreSQL stores it. Same table, column, index and constraint names, same column order,
// nullability, defaults and on-delete actions. Types: text stays text (times are ISO-8601 text,
// as on SQLite, so lib/ reads them the same on both); SQLite's integer booleans are `boolean`;
// JSON text is `jsonb`; integers stay `integer` (max ages are at most ten years in seconds,
// TOTP steps are about 6e7, counters are small) except the audit log's id, which a busy install
// could push past 2^31 and so is `bigint` read as a JavaScript number.
import { sql } from 'drizzle-orm';
import { bigint, boolean, index, integer, jsonb, pgTable, primaryKey, text, uniqueIndex } from 'drizzle-orm/pg-core';
import {
  auditStreamKinds,
  domainStates,
  personalTokenModes,
  samlDigestAlgorithms,
  samlSignatureAlgorithms,
  samlVendors,
  serviceTypes,
  tokenKinds,
  type SamlFieldMapping,
} from './schema';

// The column builders of db/schema.ts, in PostgreSQL types.
const createTime = () => text('create_time').notNull();
const expiryTime = () => text('expiry_time').notNull();
const timestamps = () => ({ createTime: createTime(), updateTime: text('update_time').notNull() });
const flag = (name: string, value: boolean) => boolean(name).notNull().default(value);
const jsonList = (name: string) => jsonb(name).$type<string[]>().notNull().default([]);
const jsonObject = <T>(name: string) => jsonb(name).$type<T>().notNull().default({} as T);
const userId = () => text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' });
const organizationId = () => text('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });
const methodId = () => text('method_id').notNull().references(() => authenticationMethods.id, { onDelete: 'cascade' });
// SQLite's INTEGER PRIMARY KEY AUTOINCREMENT. "By default" rather than "always", so that a copy
// from SQLite (issue 17's copy-to-postgres) can keep the ids it copies.
const serialId = () => integer('id').primaryKey().generatedByDefaultAsIdentity();

export const organizations = pgTable('organizations', {
  id: text('id').primaryKey(),
  accountId: text('account_id').notNull().unique(),
  name: text('name').notNull(),
  tier: text('tier', { enum: ['business', 'personal'] }).notNull().default('business'),
  ipAllowlist: jsonList('ip_allowlist'),
  passwordAuthEnabled: flag('password_auth_enabled', true),
  twoFactorRequired: flag('two_factor_required', false),
  oauthEnabled: flag('oauth_enabled', true),
  oauthGoogleEnabled: flag('oauth_google_enabled', true),
  oauthMicrosoftEnabled: flag('oauth_microsoft_enabled', true),
  oauthGithubEnabled: flag('oauth_github_enabled', true),
  samlEnabled: flag('saml_enabled', true),
  samlAllowExternal: flag('saml_allow_external', true),
  personalTokensMode: text('personal_tokens_mode', { enum: personalTokenModes }).notNull().default('enabled'),
  personalTokensRequireAllowedAuthMethod: flag('personal_tokens_require_allowed_auth_method', false),
  mcpEnabled: flag('mcp_enabled', true),
  ...timestamps(),
});

export const users = pgTable('users', {
  id: text('id').primaryKey(),
  email: text('email').notNull().unique(),
  realName: text('real_name').notNull().default(''),
  state: text('state', { enum: ['active', 'deactivated'] }).notNull().default('active'),
  isApplicationUser: flag('is_application_user', false),
  tokenValidityBegin: text('token_validity_begin'),
  lastActivityTime: text('last_activity_time'),
  managingOrganizationId: text('managing_organization_id').references(() => organizations.id, { onDelete: 'set null' }),
  emailVerifiedTime: text('email_verified_time'),
  createTime: createTime(),
});

export const totpCredentials = pgTable('totp_credentials', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  secret: text('secret').notNull(),
  confirmedTime: text('confirmed_time'),
  lastUsedStep: integer('last_used_step'),
  createTime: createTime(),
});

export const recoveryCodes = pgTable(
  'recovery_codes',
  {
    id: serialId(),
    userId: userId(),
    codeHash: text('code_hash').notNull(),
    usedTime: text('used_time'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const memberships = pgTable(
  'memberships',
  {
    organizationId: organizationId(),
    userId: userId(),
    isSuperAdmin: flag('is_super_admin', false),
    joinTime: text('join_time').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.userId] }), index('memberships_user_idx').on(t.userId)],
);

export const passwordCredentials = pgTable('password_credentials', {
  userId: text('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  passwordHash: text('password_hash').notNull(),
  updateTime: text('update_time').notNull(),
});

export const tokens = pgTable(
  'tokens',
  {
    id: text('id').primaryKey(),
    userId: userId(),
    tokenHash: text('token_hash').notNull(),
    tokenPrefix: text('token_prefix').notNull(),
    kind: text('kind', { enum: tokenKinds }).notNull(),
    authMethod: text('auth_method').notNull(),
    description: text('description').notNull().default(''),
    createdManually: boolean('created_manually').notNull(),
    createTime: createTime(),
    expiryTime: text('expiry_time'),
    maxAgeSeconds: integer('max_age_seconds'),
    extendWhenUsed: flag('extend_when_used', false),
    ipAllowlist: jsonList('ip_allowlist'),
    scopes: jsonList('scopes'),
    lastUsedTime: text('last_used_time'),
    lastIp: text('last_ip'),
    lastUserAgent: text('last_user_agent'),
  },
  (t) => [
    uniqueIndex('tokens_hash_idx').on(t.tokenHash),
    uniqueIndex('tokens_user_prefix_idx').on(t.userId, t.tokenPrefix),
  ],
);

export const auditEvents = pgTable(
  'audit_events',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    time: text('time').notNull(),
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    actorUserId: text('actor_user_id'),
    actorEmail: text('actor_email'),
    event: text('event').notNull(),
    ip: text('ip'),
    userAgent: text('user_agent'),
    details: jsonObject<Record<string, unknown>>('details'),
  },
  (t) => [
    index('audit_org_time_idx').on(t.organizationId, t.time),
    index('audit_actor_idx').on(t.actorUserId),
    // The security overview's activity figures (lib/security-overview/activity.ts): one event
    // name of one organization over the last 30 days, read from the index, not the whole log.
    index('audit_org_event_time_idx').on(t.organizationId, t.event, t.time),
  ],
);

// See db/schema.ts.
export const signInDailyCounts = pgTable(
  'sign_in_daily_counts',
  {
    organizationId: organizationId(),
    day: text('day').notNull(),
    event: text('event').notNull(),
    dimension: text('dimension').notNull(),
    value: text('value').notNull(),
    count: integer('count').notNull(),
  },
  (t) => [primaryKey({ columns: [t.organizationId, t.day, t.event, t.dimension, t.value] })],
);

export const signInFailures = pgTable('sign_in_failures', {
  key: text('key').primaryKey(),
  windowStart: text('window_start').notNull(),
  count: integer('count').notNull(),
});

export const instanceSettings = pgTable('instance_settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

export const invitations = pgTable(
  'invitations',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    invitedByUserId: text('invited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    invitedByEmail: text('invited_by_email').notNull(),
    createTime: createTime(),
    expiryTime: expiryTime(),
    mailedTime: text('mailed_time'),
  },
  (t) => [uniqueIndex('invitations_token_idx').on(t.tokenHash), uniqueIndex('invitations_org_email_idx').on(t.organizationId, t.email)],
);

export const emailVerifications = pgTable(
  'email_verifications',
  {
    id: text('id').primaryKey(),
    userId: userId(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    createTime: createTime(),
    expiryTime: expiryTime(),
    usedTime: text('used_time'),
  },
  (t) => [uniqueIndex('email_verifications_token_idx').on(t.tokenHash), index('email_verifications_user_idx').on(t.userId)],
);

export const passwordResets = pgTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    userId: userId(),
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    requestedBy: text('requested_by', { enum: ['user', 'operator'] }).notNull(),
    createTime: createTime(),
    expiryTime: expiryTime(),
    usedTime: text('used_time'),
  },
  (t) => [uniqueIndex('password_resets_token_idx').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
);

export const authenticationMethods = pgTable(
  'authentication_methods',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    type: text('type', { enum: ['internal', 'saml'] }).notNull(),
    vendor: text('vendor', { enum: samlVendors }).notNull().default('custom'),
    enabled: flag('enabled', false),
    samlIdpUrl: text('saml_idp_url'),
    samlEntityId: text('saml_entity_id'),
    samlIdpLoginAllowed: flag('saml_idp_login_allowed', false),
    samlAssertionSignedEnabled: flag('saml_assertion_signed_enabled', true),
    samlAuthnRequestsSignedEnabled: flag('saml_authn_requests_signed_enabled', false),
    samlRequestedAuthnContextEnabled: flag('saml_requested_authn_context_enabled', false),
    samlDigestAlgorithm: text('saml_digest_algorithm', { enum: samlDigestAlgorithms }).notNull().default('sha256'),
    samlSignatureAlgorithm: text('saml_signature_algorithm', { enum: samlSignatureAlgorithms }).notNull().default('rsa-sha256'),
    samlFieldMapping: jsonObject<SamlFieldMapping>('saml_field_mapping'),
    samlVariant: text('saml_variant'),
    spPrivateKey: text('sp_private_key').notNull(),
    spCertificate: text('sp_certificate').notNull(),
    authTokenMaxAgeSeconds: integer('auth_token_max_age_seconds'),
    authTokenExtendWhenUsed: flag('auth_token_extend_when_used', true),
    ...timestamps(),
  },
  (t) => [index('authentication_methods_org_idx').on(t.organizationId)],
);

export const samlCertificates = pgTable(
  'saml_certificates',
  {
    id: text('id').primaryKey(),
    methodId: methodId(),
    pem: text('pem').notNull(),
    subject: text('subject').notNull(),
    issuer: text('issuer').notNull(),
    notBefore: text('not_before').notNull(),
    notAfter: text('not_after').notNull(),
    createTime: createTime(),
  },
  (t) => [index('saml_certificates_method_idx').on(t.methodId)],
);

export const samlRequests = pgTable('saml_requests', {
  id: text('id').primaryKey(),
  methodId: methodId(),
  purpose: text('purpose', { enum: ['signin', 'signup', 'link', 'test'] }).notNull(),
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  createTime: createTime(),
  expiryTime: expiryTime(),
});

export const samlSeenAssertions = pgTable(
  'saml_seen_assertions',
  {
    methodId: methodId(),
    assertionId: text('assertion_id').notNull(),
    expiryTime: expiryTime(),
  },
  (t) => [primaryKey({ columns: [t.methodId, t.assertionId] })],
);

export const externalIdentities = pgTable(
  'external_identities',
  {
    id: text('id').primaryKey(),
    userId: userId(),
    provider: text('provider').notNull(),
    subject: text('subject').notNull(),
    email: text('email'),
    createTime: createTime(),
    lastUsedTime: text('last_used_time'),
  },
  (t) => [
    uniqueIndex('external_identities_provider_subject_idx').on(t.provider, t.subject),
    index('external_identities_user_idx').on(t.userId),
  ],
);

export const domains = pgTable(
  'domains',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    domainName: text('domain_name').notNull(),
    verificationType: text('verification_type', { enum: ['dns', 'http'] }).notNull().default('dns'),
    challengeToken: text('challenge_token').notNull(),
    state: text('state', { enum: domainStates }).notNull().default('unverified'),
    lastCheckTime: text('last_check_time'),
    lastCheckResult: jsonb('last_check_result').$type<Record<string, unknown>>(),
    verifiedTime: text('verified_time'),
    createTime: createTime(),
  },
  (t) => [
    uniqueIndex('domains_org_name_idx').on(t.organizationId, t.domainName),
    // At most one verified row per name: see db/schema.ts (it guards domain ownership).
    uniqueIndex('domains_verified_name_idx').on(t.domainName).where(sql`state = 'verified'`),
  ],
);

export const domainAuthenticationMethods = pgTable(
  'domain_authentication_methods',
  {
    domainId: text('domain_id')
      .notNull()
      .references(() => domains.id, { onDelete: 'cascade' }),
    methodId: methodId(),
    createTime: createTime(),
  },
  (t) => [primaryKey({ columns: [t.domainId, t.methodId] }), index('domain_methods_method_idx').on(t.methodId)],
);

export const organizationUnits = pgTable(
  'organization_units',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    ...timestamps(),
  },
  (t) => [index('organization_units_org_idx').on(t.organizationId)],
);

export const projects = pgTable(
  'projects',
  {
    id: text('id').primaryKey(),
    name: text('name').notNull().unique(),
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    unitId: text('unit_id').references(() => organizationUnits.id, { onDelete: 'set null' }),
    createdByUserId: text('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    cloud: text('cloud').notNull().default(''),
    techEmails: jsonList('tech_emails'),
    ...timestamps(),
  },
  (t) => [index('projects_org_idx').on(t.organizationId)],
);

export const services = pgTable(
  'services',
  {
    id: text('id').primaryKey(),
    projectId: text('project_id')
      .notNull()
      .references(() => projects.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    serviceType: text('service_type', { enum: serviceTypes }).notNull(),
    plan: text('plan').notNull(),
    state: text('state').notNull().default('RUNNING'),
    userConfig: jsonObject<Record<string, unknown>>('user_config'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('services_project_name_idx').on(t.projectId, t.name)],
);

export const auditStreamDestinations = pgTable(
  'audit_stream_destinations',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: auditStreamKinds }).notNull(),
    url: text('url').notNull(),
    caCertificate: text('ca_certificate'),
    secret: text('secret').notNull(),
    enabled: flag('enabled', true),
    ...timestamps(),
  },
  (t) => [index('audit_stream_destinations_org_idx').on(t.organizationId)],
);

export const auditStreamOutbox = pgTable(
  'audit_stream_outbox',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    destinationId: text('destination_id')
      .notNull()
      .references(() => auditStreamDestinations.id, { onDelete: 'cascade' }),
    eventId: bigint('event_id', { mode: 'number' })
      .notNull()
      .references(() => auditEvents.id, { onDelete: 'cascade' }),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptTime: text('next_attempt_time').notNull(),
    lastError: text('last_error'),
  },
  (t) => [index('audit_stream_outbox_destination_idx').on(t.destinationId, t.id)],
);

export const auditStreamDeliveries = pgTable(
  'audit_stream_deliveries',
  {
    id: bigint('id', { mode: 'number' }).primaryKey().generatedByDefaultAsIdentity(),
    destinationId: text('destination_id')
      .notNull()
      .references(() => auditStreamDestinations.id, { onDelete: 'cascade' }),
    time: text('time').notNull(),
    eventId: text('event_id').notNull(),
    outcome: text('outcome', { enum: ['delivered', 'failed'] }).notNull(),
    attempt: integer('attempt').notNull(),
    status: integer('status'),
    error: text('error'),
  },
  (t) => [index('audit_stream_deliveries_destination_idx').on(t.destinationId, t.id)],
);

export const auditStreamLeases = pgTable('audit_stream_leases', {
  destinationId: text('destination_id')
    .primaryKey()
    .references(() => auditStreamDestinations.id, { onDelete: 'cascade' }),
  holder: text('holder').notNull(),
  expiryTime: text('expiry_time').notNull(),
});
