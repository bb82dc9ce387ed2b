import { sql } from 'drizzle-orm';
import { index, integer, primaryKey, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

// Times are stored as ISO-8601 UTC strings (the wire format), so they sort and compare as text.

// Column builders for what many tables share. Each call makes a new builder: a column belongs to
// one table. The SQL they make is what each table spelled out before (drizzle-kit sees no change).
const createTime = () => text('create_time').notNull();
const expiryTime = () => text('expiry_time').notNull();
/** When the row was made and when it last changed. */
const timestamps = () => ({ createTime: createTime(), updateTime: text('update_time').notNull() });
const flag = (name: string, value: boolean) => integer(name, { mode: 'boolean' }).notNull().default(value);
/** A JSON list, empty by default (CIDRs, scopes, addresses). */
const jsonList = (name: string) => text(name, { mode: 'json' }).$type<string[]>().notNull().default(sql`'[]'`);
/** A JSON object, empty by default. */
const jsonObject = <T>(name: string) => text(name, { mode: 'json' }).$type<T>().notNull().default(sql`'{}'`);
// The owner a row belongs to, and goes with when the owner is deleted.
const userId = () => text('user_id').notNull().references(() => users.id, { onDelete: 'cascade' });
const organizationId = () => text('organization_id').notNull().references(() => organizations.id, { onDelete: 'cascade' });
const methodId = () => text('method_id').notNull().references(() => authenticationMethods.id, { onDelete: 'cascade' });

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
  ipAllowlist: jsonList('ip_allowlist'),
  // The authentication policy. It lives on the organization row because the request gate
  // loads that row anyway: enforcing the policy costs no extra query.
  passwordAuthEnabled: flag('password_auth_enabled', true),
  // Password sign-ins must pass a TOTP check; SSO and third-party sign-ins are not affected.
  twoFactorRequired: flag('two_factor_required', false),
  oauthEnabled: flag('oauth_enabled', true),
  oauthGoogleEnabled: flag('oauth_google_enabled', true),
  oauthMicrosoftEnabled: flag('oauth_microsoft_enabled', true),
  oauthGithubEnabled: flag('oauth_github_enabled', true),
  samlEnabled: flag('saml_enabled', true),
  // Members may sign in through identity providers of other organizations.
  samlAllowExternal: flag('saml_allow_external', true),
  personalTokensMode: text('personal_tokens_mode', { enum: personalTokenModes }).notNull().default('enabled'),
  // Token authentication-method enforcement: a token made with a method the policy no longer
  // allows stops working for this organization.
  personalTokensRequireAllowedAuthMethod: flag('personal_tokens_require_allowed_auth_method', false),
  // Upstream field, stored and returned; no MCP server exists here for it to govern.
  mcpEnabled: flag('mcp_enabled', true),
  ...timestamps(),
});
export type Organization = typeof organizations.$inferSelect;

export const users = sqliteTable('users', {
  id: text('id').primaryKey(),
  // Stored lower-cased; unique so one address is one person.
  email: text('email').notNull().unique(),
  realName: text('real_name').notNull().default(''),
  state: text('state', { enum: ['active', 'deactivated'] }).notNull().default('active'),
  isApplicationUser: flag('is_application_user', false),
  // Tokens created before this time are no longer valid (Aiven's token_validity_begin).
  tokenValidityBegin: text('token_validity_begin'),
  // Kept current (throttled) by token use; shown on the Users page.
  lastActivityTime: text('last_activity_time'),
  // The organization that manages this user: set when the user's email domain is verified by
  // that organization. Its policy's "disabled for managed users" settings apply to them.
  managingOrganizationId: text('managing_organization_id').references(() => organizations.id, { onDelete: 'set null' }),
  // When the owner of the address showed that it is theirs (a mailed link or code, a completed
  // password reset, a third-party provider that verified it at a sign-in, or SSO of the
  // organization that verified its domain); null while nobody has. Automatic linking by address
  // (third-party or SSO) only ever joins accounts whose address is proven: an account made for
  // an address nobody proved must not be taken over by, or take over, its real owner.
  emailVerifiedTime: text('email_verified_time'),
  createTime: createTime(),
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
  createTime: createTime(),
});
export type TotpCredential = typeof totpCredentials.$inferSelect;

// One-time recovery codes for a lost authenticator: stored hashed, shown once.
export const recoveryCodes = sqliteTable(
  'recovery_codes',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    userId: userId(),
    codeHash: text('code_hash').notNull(),
    usedTime: text('used_time'),
  },
  (t) => [index('recovery_codes_user_idx').on(t.userId)],
);

export const memberships = sqliteTable(
  'memberships',
  {
    organizationId: organizationId(),
    userId: userId(),
    isSuperAdmin: flag('is_super_admin', false),
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
    userId: userId(),
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
export type AuditEvent = typeof auditEvents.$inferSelect;

// The security overview's sign-in counts of past days (lib/security-overview/activity.ts):
// counted once from the audit log, since a past day's events do not change, so that a view reads
// 28 days of counts rather than a month of events. `dimension` is what `value` is ("method" of
// a sign-in, "reason" or "ip" of a failure); a row ('rolled_up', 'day', '') marks a day counted.
// Derived data only: deleting rows makes the next view count those days again.
export const signInDailyCounts = sqliteTable(
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
    organizationId: organizationId(),
    email: text('email').notNull(),
    // SHA-256 of the secret in the invitation link: the link is shown to the inviting admin (and
    // mailed), never stored. Unique so a link names exactly one invitation.
    tokenHash: text('token_hash').notNull(),
    invitedByUserId: text('invited_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    invitedByEmail: text('invited_by_email').notNull(),
    createTime: createTime(),
    expiryTime: expiryTime(),
    // Set when the link went out by mail and was not shown to the inviting admin: only then does
    // following it prove that the person owns the address (users.email_verified_time).
    mailedTime: text('mailed_time'),
  },
  (t) => [uniqueIndex('invitations_token_idx').on(t.tokenHash), uniqueIndex('invitations_org_email_idx').on(t.organizationId, t.email)],
);
export type Invitation = typeof invitations.$inferSelect;

// "Verify your address" (lib/users/verify-email.ts): a single-use link mailed to the account's
// address so that its owner can prove it (users.email_verified_time). Only the SHA-256 of the
// link's secret is stored, unique so a link names one row. Following the link proves nothing by
// itself: the confirmation also needs a signed-in session of this very user whose address is
// still `email`, or a squatter could have the real owner prove the squatter's account.
export const emailVerifications = sqliteTable(
  'email_verifications',
  {
    id: text('id').primaryKey(),
    userId: userId(),
    // The address the link was mailed to: it proves this address only, not a later one.
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    createTime: createTime(),
    expiryTime: expiryTime(),
    // Set when the link was used: each link proves once.
    usedTime: text('used_time'),
  },
  (t) => [uniqueIndex('email_verifications_token_idx').on(t.tokenHash), index('email_verifications_user_idx').on(t.userId)],
);
export type EmailVerification = typeof emailVerifications.$inferSelect;

// Password reset (lib/passwords/reset.ts): a single-use link, valid for an hour, mailed to
// the account's address ("Forgot password?") or printed by the operator's recovery command
// (`npm run admin -- reset-password`). Only the SHA-256 of the link's secret is stored, unique so
// a link names one row. Using it sets a new password, proves the address and ends every session.
export const passwordResets = sqliteTable(
  'password_resets',
  {
    id: text('id').primaryKey(),
    userId: userId(),
    // The address the link was mailed to; a link made by the operator names the address the
    // account had then. A later change of address makes the link useless.
    email: text('email').notNull(),
    tokenHash: text('token_hash').notNull(),
    // Who asked: the person, by address (mailed), or the operator on the server host (printed).
    requestedBy: text('requested_by', { enum: ['user', 'operator'] }).notNull(),
    createTime: createTime(),
    expiryTime: expiryTime(),
    usedTime: text('used_time'),
  },
  (t) => [uniqueIndex('password_resets_token_idx').on(t.tokenHash), index('password_resets_user_idx').on(t.userId)],
);
export type PasswordReset = typeof passwordResets.$inferSelect;

// ---------------------------------------------------------------------------------------------
// Identity providers ("authentication methods" in the Aiven API), external identities,
// domains, projects and services.

export const samlVendors = ['okta', 'azure_ad', 'google_workspace', 'auth0', 'onelogin', 'jumpcloud', 'fusionauth', 'custom'] as const;
export type SamlVendor = (typeof samlVendors)[number];

export const samlDigestAlgorithms = ['sha1', 'sha256', 'sha384', 'sha512'] as const;
export const samlSignatureAlgorithms = ['rsa-sha1', 'dsa-sha1', 'rsa-sha256', 'rsa-sha384', 'rsa-sha512'] as const;

/** Attribute names the IdP sends, per field of ours (upstream's saml_field_mapping). */
export type SamlFieldMapping = {
  email?: string | null;
  first_name?: string | null;
  last_name?: string | null;
  real_name?: string | null;
  identity?: string | null;
  groups?: string | null;
};

export const authenticationMethods = sqliteTable(
  'authentication_methods',
  {
    // authentication_method_id of the Aiven API, e.g. "am2d4b6c8e0f1".
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    type: text('type', { enum: ['internal', 'saml'] }).notNull(),
    // Extension: which vendor's setup steps the console shows. No effect on the protocol.
    vendor: text('vendor', { enum: samlVendors }).notNull().default('custom'),
    enabled: flag('enabled', false),
    samlIdpUrl: text('saml_idp_url'),
    samlEntityId: text('saml_entity_id'),
    // IdP-initiated sign-in: off by default, because an unsolicited response cannot be tied to
    // a request of ours (no InResponseTo), which makes login CSRF possible.
    samlIdpLoginAllowed: flag('saml_idp_login_allowed', false),
    samlAssertionSignedEnabled: flag('saml_assertion_signed_enabled', true),
    samlAuthnRequestsSignedEnabled: flag('saml_authn_requests_signed_enabled', false),
    samlRequestedAuthnContextEnabled: flag('saml_requested_authn_context_enabled', false),
    samlDigestAlgorithm: text('saml_digest_algorithm', { enum: samlDigestAlgorithms }).notNull().default('sha256'),
    samlSignatureAlgorithm: text('saml_signature_algorithm', { enum: samlSignatureAlgorithms }).notNull().default('rsa-sha256'),
    samlFieldMapping: jsonObject<SamlFieldMapping>('saml_field_mapping'),
    samlVariant: text('saml_variant'),
    // The SP key pair generated for this method, to sign authentication requests. The private
    // key must be readable to sign with, so it cannot be hashed; it never leaves the server.
    spPrivateKey: text('sp_private_key').notNull(),
    spCertificate: text('sp_certificate').notNull(),
    // Sessions created through this method: their max age (null: the console default).
    authTokenMaxAgeSeconds: integer('auth_token_max_age_seconds'),
    authTokenExtendWhenUsed: flag('auth_token_extend_when_used', true),
    ...timestamps(),
  },
  (t) => [index('authentication_methods_org_idx').on(t.organizationId)],
);
export type AuthenticationMethod = typeof authenticationMethods.$inferSelect;

// The IdP's signing certificates of a SAML method. More than one at a time is how a
// certificate is rotated without downtime: a response signed by any of them is accepted.
export const samlCertificates = sqliteTable(
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
export type SamlCertificate = typeof samlCertificates.$inferSelect;

// AuthnRequests we sent and have not seen answered: a response's InResponseTo must name one
// (SP-initiated flows), and each is used once.
export const samlRequests = sqliteTable('saml_requests', {
  id: text('id').primaryKey(),
  methodId: methodId(),
  // What the sign-in is for: sign in, sign up, link an account, or the admin's test.
  purpose: text('purpose', { enum: ['signin', 'signup', 'link', 'test'] }).notNull(),
  // For "link": the signed-in user who asked to link this IdP to their account.
  userId: text('user_id').references(() => users.id, { onDelete: 'cascade' }),
  createTime: createTime(),
  expiryTime: expiryTime(),
});

// Assertion IDs already accepted, kept until the assertion expires: the same response posted
// twice is refused (the SAML library keeps no such record; see shared/notes/node-saml.md).
export const samlSeenAssertions = sqliteTable(
  'saml_seen_assertions',
  {
    methodId: methodId(),
    assertionId: text('assertion_id').notNull(),
    expiryTime: expiryTime(),
  },
  (t) => [primaryKey({ columns: [t.methodId, t.assertionId] })],
);

// An identity at an outside provider linked to a user: "google", "microsoft", "github" (OAuth /
// OpenID) or "saml:<authentication_method_id>". The provider's stable subject identifies it,
// never the email alone, so an address changed at the provider cannot take over an account.
export const externalIdentities = sqliteTable(
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
export type ExternalIdentity = typeof externalIdentities.$inferSelect;

export const domainStates = ['unverified', 'verified'] as const;

export const domains = sqliteTable(
  'domains',
  {
    // domain_id of the Aiven API.
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    // ASCII (punycode) form, lower-cased.
    domainName: text('domain_name').notNull(),
    verificationType: text('verification_type', { enum: ['dns', 'http'] }).notNull().default('dns'),
    // The random part of the challenge value `token=<challenge>,expiry=never`.
    challengeToken: text('challenge_token').notNull(),
    state: text('state', { enum: domainStates }).notNull().default('unverified'),
    // The last verification attempt: when, and what it found (shown on the page).
    lastCheckTime: text('last_check_time'),
    lastCheckResult: text('last_check_result', { mode: 'json' }).$type<Record<string, unknown>>(),
    verifiedTime: text('verified_time'),
    createTime: createTime(),
  },
  (t) => [
    uniqueIndex('domains_org_name_idx').on(t.organizationId, t.domainName),
    // A domain verified by one organization cannot be verified by another: at most one
    // verified row per name, enforced by the database, not only by the code that verifies.
    uniqueIndex('domains_verified_name_idx').on(t.domainName).where(sql`state = 'verified'`),
  ],
);
export type Domain = typeof domains.$inferSelect;

export const domainAuthenticationMethods = sqliteTable(
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

// Organizational units (seed 001): one level below an organization, holding projects. A unit is
// an account of the Aiven API (`parent_account_id` names its organization's account); it has no
// policy, allowlist or admins of its own: its organization's apply to it and its projects.
export const organizationUnits = sqliteTable(
  'organization_units',
  {
    // account_id of the Aiven API, from the same generator as organizations.account_id.
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    ...timestamps(),
  },
  (t) => [index('organization_units_org_idx').on(t.organizationId)],
);
export type OrganizationUnit = typeof organizationUnits.$inferSelect;

export const projects = sqliteTable(
  'projects',
  {
    id: text('id').primaryKey(),
    // The project name is its key in the API (/v1/project/{project}), unique on the install.
    name: text('name').notNull().unique(),
    // Null for a standalone project, which only its creator reaches until it is moved into an
    // organization.
    organizationId: text('organization_id').references(() => organizations.id, { onDelete: 'cascade' }),
    // The unit of that organization that holds the project; null when it sits at the
    // organization's own level. Always a unit of organizationId.
    unitId: text('unit_id').references(() => organizationUnits.id, { onDelete: 'set null' }),
    createdByUserId: text('created_by_user_id').references(() => users.id, { onDelete: 'set null' }),
    cloud: text('cloud').notNull().default(''),
    techEmails: jsonList('tech_emails'),
    ...timestamps(),
  },
  (t) => [index('projects_org_idx').on(t.organizationId)],
);
export type Project = typeof projects.$inferSelect;

export const serviceTypes = ['kafka', 'opensearch'] as const;

export const services = sqliteTable(
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
    // The service's user_config as the API shows it (secrets included: the API returns them to
    // those who may read the service, as upstream does; the console masks them).
    userConfig: jsonObject<Record<string, unknown>>('user_config'),
    ...timestamps(),
  },
  (t) => [uniqueIndex('services_project_name_idx').on(t.projectId, t.name)],
);
export type Service = typeof services.$inferSelect;

// Audit log streaming (lib/audit-stream/): where an organization's new audit events are sent.
export const auditStreamKinds = ['webhook', 'syslog'] as const;

export const auditStreamDestinations = sqliteTable(
  'audit_stream_destinations',
  {
    id: text('id').primaryKey(),
    organizationId: organizationId(),
    name: text('name').notNull(),
    kind: text('kind', { enum: auditStreamKinds }).notNull(),
    // A webhook's https URL (plain http to a loopback address only), or a syslog server's
    // syslog+tls://host:port (plain syslog:// to a loopback address only): lib/audit-stream/schema.ts.
    // Reached through lib/net/outbound.ts's checks, where OUTBOUND_ALLOW_PRIVATE decides whether
    // private addresses may be.
    url: text('url').notNull(),
    // syslog+tls: the PEM of the CA that signed the server's certificate, when it is not one the
    // system trusts. Never a way to turn verification off.
    caCertificate: text('ca_certificate'),
    // The HMAC-SHA256 key of the X-Portcullis-Signature header. Kept as it was given out, not
    // hashed: signing needs the key itself (see docs/audit-streaming.md). Shown once, at creation
    // and rotation; never selected for anything that leaves the server.
    secret: text('secret').notNull(),
    enabled: flag('enabled', true),
    ...timestamps(),
  },
  (t) => [index('audit_stream_destinations_org_idx').on(t.organizationId)],
);
export type AuditStreamDestination = typeof auditStreamDestinations.$inferSelect;

// Events waiting for a destination: written in the transaction of the audit event itself, so
// nothing is lost across a restart; deleted once the receiver acknowledged it (2xx).
export const auditStreamOutbox = sqliteTable(
  'audit_stream_outbox',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    destinationId: text('destination_id')
      .notNull()
      .references(() => auditStreamDestinations.id, { onDelete: 'cascade' }),
    eventId: integer('event_id')
      .notNull()
      .references(() => auditEvents.id, { onDelete: 'cascade' }),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptTime: text('next_attempt_time').notNull(),
    lastError: text('last_error'),
  },
  (t) => [index('audit_stream_outbox_destination_idx').on(t.destinationId, t.id)],
);
export type AuditStreamOutboxRow = typeof auditStreamOutbox.$inferSelect;

// The delivery log of a destination (its latest attempts, older ones pruned).
export const auditStreamDeliveries = sqliteTable(
  'audit_stream_deliveries',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    destinationId: text('destination_id')
      .notNull()
      .references(() => auditStreamDestinations.id, { onDelete: 'cascade' }),
    time: text('time').notNull(),
    // The X-Portcullis-Event-Id sent: the audit event's id, or "test-..." for a test event.
    eventId: text('event_id').notNull(),
    outcome: text('outcome', { enum: ['delivered', 'failed'] }).notNull(),
    attempt: integer('attempt').notNull(),
    status: integer('status'),
    error: text('error'),
  },
  (t) => [index('audit_stream_deliveries_destination_idx').on(t.destinationId, t.id)],
);
export type AuditStreamDelivery = typeof auditStreamDeliveries.$inferSelect;

// The instance that sends a destination's events now, until the expiry: with several instances
// on one database only the lease holder sends, so events go out in order and not twice at once,
// and an instance that died is replaced once its lease has run out. A table of its own, so that
// the worker's frequent lease writes never touch the rows every audit event reads.
export const auditStreamLeases = sqliteTable('audit_stream_leases', {
  destinationId: text('destination_id')
    .primaryKey()
    .references(() => auditStreamDestinations.id, { onDelete: 'cascade' }),
  holder: text('holder').notNull(),
  expiryTime: text('expiry_time').notNull(),
});
