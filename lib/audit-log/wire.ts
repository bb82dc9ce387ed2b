import type { AuditEvent, Organization } from '@/db/schema';
import { describeAuditEvent } from './describe';
import type { AuditEventWire } from './wire-schema';
import { isOperatorEvent, OPERATOR_ACTOR_LABEL } from '@/lib/audit/record';

/**
 * An item of GET /v1/account/{account_id}/events: upstream's event fields (the generated Go
 * client's EventOut), then ours. Upstream's `actor` is free text; here it is the email address,
 * or "operator (server host)" (with no user id or address) for what the operator did with
 * `npm run admin` on the server host.
 */
export function auditEventToWire(event: AuditEvent, organization: Organization): AuditEventWire {
  const operator = isOperatorEvent(event);
  return {
    log_entry_id: event.id,
    create_time: event.time,
    account_id: organization.accountId,
    action_type: event.event,
    action_description: describeAuditEvent(event),
    actor: operator ? OPERATOR_ACTOR_LABEL : (event.actorEmail ?? 'unknown'),
    actor_user_id: operator ? null : event.actorUserId,
    team_id: null,
    // Extensions: where the request came from and what exactly changed (old and new values).
    organization_id: organization.id,
    actor_email: event.actorEmail,
    ip: event.ip,
    user_agent: event.userAgent,
    details: event.details,
  };
}
export type WireAuditEvent = AuditEventWire;
