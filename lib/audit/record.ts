import { auditEvents } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { countAuditEvent } from '@/lib/metrics/count';
import { enqueueAuditEvent } from '@/lib/audit-stream/outbox';

export type AuditEventName =
  | 'setup.completed'
  | 'auth.sign_in'
  | 'auth.sign_in_failed'
  | 'auth.sign_out'
  | 'token.created'
  | 'token.updated'
  | 'token.revoked'
  // A token asked for a token wider than itself (scopes, IP allowlist or expiry) and was refused.
  | 'token.creation_refused'
  | 'policy.updated'
  | 'application_user.created'
  | 'application_user.updated'
  | 'application_user.deleted'
  | 'invitation.created'
  | 'invitation.cancelled'
  | 'invitation.accepted'
  // The invitation's link went out by mail and was not shown to the inviting admin.
  | 'invitation.mailed'
  // A super admin changed a member: details carry the member and the old and new values.
  | 'member.updated'
  | 'member.removed'
  | 'member.token_revoked'
  // "Revoke unused tokens…" of the security overview (lib/security-overview/revoke-unused.ts):
  // details carry how many and each token's owner and prefix.
  | 'member.unused_tokens_revoked'
  // A super admin removed a member's authenticator app and recovery codes (the member's page);
  // details carry the member, reset_by and whether the member must enroll again here.
  | 'member.two_factor_reset'
  // The owner of a user's address proved it is theirs (lib/model/proven.ts): details carry how.
  | 'user.email_verified'
  // "Verify your address" (lib/users/verify-email.ts): a link was mailed to the user's address;
  // someone signed in as another account tried that link and was refused (details carry the reason).
  | 'user.email_verification_requested'
  | 'user.email_verification_refused'
  // Password change and reset (lib/passwords/change.ts, lib/passwords/reset.ts): details
  // carry the sessions ended and personal tokens revoked; a refused reset request its reason.
  | 'user.password_changed'
  | 'user.password_change_failed'
  | 'user.password_reset_requested'
  | 'user.password_reset_refused'
  | 'user.password_reset'
  // Third-party sign-in identities (Google, Microsoft, GitHub, SAML) linked to or unlinked from a user.
  | 'identity.linked'
  | 'identity.unlinked'
  | 'identity.link_failed'

  | 'two_factor.enrolled'
  | 'two_factor.disabled'
  | 'two_factor.code_failed'
  | 'two_factor.recovery_code_used'
  // Identity providers (SAML): configuration changes, and what happens through them.
  | 'identity_provider.created'
  | 'identity_provider.updated'
  | 'identity_provider.deleted'
  | 'identity_provider.certificate_added'
  | 'identity_provider.certificate_removed'
  | 'identity_provider.account_linked'
  | 'identity_provider.user_created'
  | 'identity_provider.test_sign_in'
  // Domains: details carry domain_id and domain_name; verification attempts their result.
  | 'domain.created'
  | 'domain.updated'
  | 'domain.verified'
  | 'domain.verification_failed'
  | 'domain.deleted'
  | 'domain.linked'
  | 'domain.unlinked'
  // Organizations, projects and services (details carry old and new values; secrets masked).
  | 'organization.created'
  | 'organization.updated'
  | 'organization.deleted'
  // Organizational units (lib/organizations/units.ts), recorded in their organization's log.
  | 'unit.created'
  | 'unit.updated'
  | 'unit.deleted'
  | 'project.created'
  | 'project.updated'
  | 'project.moved'
  | 'service.created'
  | 'service.updated'
  | 'service.deleted'
  // The operator on the server host (npm run admin, lib/operator/): break-glass recovery.
  | 'operator.super_admin_granted'
  | 'operator.organization_unlocked'
  | 'operator.password_reset_issued'
  | 'operator.two_factor_removed'
  // npm run admin -- copy-to-postgres: the whole database was copied to PostgreSQL (issue 17);
  // details carry the target URL with its password masked, and the tables and rows copied.
  | 'operator.database_copied'
  // Admin → Audit log: a super admin downloaded the filtered log (details carry format and filter).
  | 'audit_log.exported'
  // Admin → Audit log → Streaming (lib/audit-stream/): destinations added, changed, removed,
  // and test events sent; details carry the destination's id, name and kind, never its secret.
  | 'audit_stream.destination_created'
  | 'audit_stream.destination_updated'
  | 'audit_stream.destination_deleted'
  | 'audit_stream.secret_rotated'
  | 'audit_stream.test_sent';

export type AuditInput = {
  event: AuditEventName;
  organizationId?: string | null;
  actorUserId?: string | null;
  actorEmail?: string | null;
  ip?: string | null;
  userAgent?: string | null;
  details?: Record<string, unknown>;
};

/**
 * The actor of what the operator does on the server host (npm run admin): nobody signed in,
 * so no user id or address. Stored as this reserved actor_user_id, which no user id can be
 * (they are "u" and 11 hex digits) and which only lib/ code writes: no request, token or
 * identity provider can make an event read as the operator's. Shown as OPERATOR_ACTOR_LABEL.
 */
export const OPERATOR_ACTOR_ID = 'operator';
export const OPERATOR_ACTOR_LABEL = 'operator (server host)';
/** The user agent of operator events: what ran the change. */
export const OPERATOR_USER_AGENT = 'portcullis-admin';

export function isOperatorEvent(event: { actorUserId: string | null }): boolean {
  return event.actorUserId === OPERATOR_ACTOR_ID;
}

/** Who ran the command on the server host: the operating-system account and the machine. */
export type OperatorMeta = { osUser: string; host: string };

/**
 * Records an event done by the operator, in each organization given (each one's admins see it),
 * or once without an organization. Details also carry the OS account and host that ran it.
 */
export async function recordOperatorAudit(
  ctx: Ctx,
  organizationIds: readonly string[],
  operator: OperatorMeta,
  input: Pick<AuditInput, 'event' | 'details'>,
): Promise<void> {
  await recordUserAudit(ctx, organizationIds, {
    event: input.event,
    actorUserId: OPERATOR_ACTOR_ID,
    actorEmail: null,
    ip: null,
    userAgent: OPERATOR_USER_AGENT,
    details: { ...input.details, operator: { os_user: operator.osUser, host: operator.host } },
  });
}

/**
 * Appends one event to the audit log. Call it inside the transaction of the change it records:
 * the event's queue entries for the organization's streaming destinations are written there too.
 */
export async function recordAudit(ctx: Ctx, input: AuditInput): Promise<void> {
  await insertAudit(ctx, input);
  countAuditEvent(input.event, input.details);
}

// Every sign-in, its method and outcome, passes the two functions above and below: the sign-in
// metrics count here (lib/metrics/count.ts), once per event however many organizations' logs
// it goes to. Counted when the row is written, inside the caller's transaction: a transaction
// that PostgreSQL aborts and retries can count an attempt twice.
async function insertAudit(ctx: Ctx, input: AuditInput): Promise<void> {
  const [row] = await ctx.db
    .insert(auditEvents)
    .values({
      time: iso(ctx.now),
      organizationId: input.organizationId ?? null,
      actorUserId: input.actorUserId ?? null,
      actorEmail: input.actorEmail ?? null,
      event: input.event,
      ip: input.ip ?? null,
      userAgent: input.userAgent ? input.userAgent.slice(0, 512) : null,
      details: input.details ?? {},
    })
    .returning({ id: auditEvents.id });
  if (row && input.organizationId) await enqueueAuditEvent(ctx, row.id, input.organizationId);
}

/**
 * Records an event once in each organization the user belongs to (so each organization's
 * admins see it), or once without an organization if the user belongs to none.
 */
export async function recordUserAudit(ctx: Ctx, organizationIds: readonly string[], input: Omit<AuditInput, 'organizationId'>) {
  if (organizationIds.length === 0) await insertAudit(ctx, input);
  for (const organizationId of organizationIds) await insertAudit(ctx, { ...input, organizationId });
  countAuditEvent(input.event, input.details);
}
