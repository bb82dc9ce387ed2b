import type { Organization, Token, User } from '@/db/schema';
import { recordAudit, recordUserAudit, type AuditEventName } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';

// The one shape of a call into lib/: the context, who is asking and from where, and (for an
// organization's resources) the caller's membership of that organization. The gate
// (lib/auth/gate.ts) resolves the caller; the console session (app/_lib/session.ts) and the /v1
// wrapper (lib/api/handler.ts) build the call once and pass it through to the lib functions.

export type { Ctx };

/** Where the request came from: the client address (lib/net/client-ip.ts) and the user agent. */
export type RequestMeta = { ip: string | null; userAgent: string | null };

/** A user's membership of an organization, with the organization's row. */
export type MembershipWithOrg = { organization: Organization; isSuperAdmin: boolean; joinTime: string };

/** Who is asking, as the gate resolved them. */
export type Principal = {
  user: User;
  token: Token;
  memberships: MembershipWithOrg[];
  /** For a session made through an identity provider: the organization that owns it (null if gone). */
  idpOrganizationId?: string | null;
};

/** A call by a signed-in caller. */
export type Call = { ctx: Ctx; principal: Principal; meta: RequestMeta };

/**
 * A call about one organization: `membership` is the caller's membership of the organization
 * the request is about (the gate's choice; null when there is none, which the lib function
 * refuses, e.g. through assertSuperAdmin below).
 */
export type OrgCall = Call & { membership: MembershipWithOrg | null };

/** Throws 403 unless the caller is a super admin of the organization the request is about. */
export function assertSuperAdmin(membership: MembershipWithOrg | null): asserts membership is MembershipWithOrg {
  if (!membership?.isSuperAdmin) {
    throw new AppError('forbidden', 'Only super admins of this organization may do this');
  }
}

/**
 * Records an event the caller did, in the audit log of `where`: one organization (its id), none
 * (null), each of a list (none if the list is empty) or, by default, each organization the caller
 * belongs to (so each one's admins see it). Call it inside the transaction of the change it records.
 */
export async function audit(
  call: Pick<Call, 'ctx' | 'meta'> & { principal: Pick<Principal, 'user' | 'memberships'> },
  event: AuditEventName,
  details: Record<string, unknown> = {},
  where: string | null | readonly string[] = call.principal.memberships.map((m) => m.organization.id),
): Promise<void> {
  const input = {
    event,
    details,
    actorUserId: call.principal.user.id,
    actorEmail: call.principal.user.email,
    ip: call.meta.ip,
    userAgent: call.meta.userAgent,
  };
  if (typeof where === 'string' || where === null) await recordAudit(call.ctx, { ...input, organizationId: where });
  else await recordUserAudit(call.ctx, where, input);
}
