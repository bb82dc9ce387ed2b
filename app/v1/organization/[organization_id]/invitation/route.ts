import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { listInvitations } from '@/lib/invitations/manage';
import { sendInvitation } from '@/lib/invitations/send';
import { invitationToWire } from '@/lib/invitations/wire';

// POST /v1/organization/{organization_id}/invitation: {user_email}. Answers the invitation with
// `mail_sent` (an extension). When the mail went out the link is in the mail only; otherwise
// (no SMTP, or the mail failed: `mail_error`) `invite_link` carries it, shown here only.
export const POST = authedRoute(async ({ ctx, principal, organization, meta, request }) => {
  const sent = await sendInvitation({ ctx, principal, membership: organization, meta, input: await readJson(request) });
  if (sent.mailed) return { ...invitationToWire(sent.invitation), mail_sent: true };
  return { ...invitationToWire(sent.invitation), invite_link: sent.link, mail_sent: false, ...(sent.mailError ? { mail_error: sent.mailError } : {}) };
});

// GET /v1/organization/{organization_id}/invitation
export const GET = authedRoute(async ({ ctx, organization }) => ({
  invitations: listInvitations({ ctx, membership: organization }).map(invitationToWire),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
