import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { mailInvitation, smtpSettings } from '@/lib/invitations/mail';
import { inviteMember, listInvitations } from '@/lib/invitations/manage';
import { invitationToWire } from '@/lib/invitations/wire';

// POST /v1/organization/{organization_id}/invitation: {user_email}. Answers the invitation with
// `invite_link` and `mail_sent` (extensions): the link is shown here only.
export const POST = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const { invitation, link } = inviteMember({
    ctx,
    principal,
    membership: organization,
    meta,
    input: await readJson(request),
    baseUrl: process.env.NEXTAUTH_URL ?? new URL(request.url).origin,
  });
  const mail = await mailInvitation(smtpSettings(), {
    to: invitation.email,
    organizationName: organization!.organization.name,
    invitedBy: principal.user.email,
    link,
    expiryTime: invitation.expiryTime,
  });
  return { ...invitationToWire(invitation), invite_link: link, mail_sent: mail.sent, ...(mail.error ? { mail_error: mail.error } : {}) };
});

// GET /v1/organization/{organization_id}/invitation
export const GET = authedRoute(async ({ ctx, organization }) => ({
  invitations: listInvitations({ ctx, membership: organization }).map(invitationToWire),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
