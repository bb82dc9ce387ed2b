import { apiRoute, readJson } from '@/lib/api/handler';
import { listInvitations } from '@/lib/invitations/manage';
import { sendInvitation } from '@/lib/invitations/send';
import { invitationToWire } from '@/lib/invitations/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/invitation', {
  // POST /v1/organization/{organization_id}/invitation: {user_email}. Answers the invitation with
  // `mail_sent` (an extension). When the mail went out the link is in the mail only; otherwise
  // (no SMTP, or the mail failed: `mail_error`) `invite_link` carries it, shown here only.
  POST: async ({ ctx, principal, membership, meta, request }) => {
    const sent = await sendInvitation({ ctx, principal, membership, meta, input: await readJson(request) });
    if (sent.mailed) return { ...invitationToWire(sent.invitation), mail_sent: true };
    return { ...invitationToWire(sent.invitation), invite_link: sent.link, mail_sent: false, ...(sent.mailError ? { mail_error: sent.mailError } : {}) };
  },

  // GET /v1/organization/{organization_id}/invitation
  GET: async ({ ctx, membership }) => ({
    invitations: (await listInvitations({ ctx, membership })).map(invitationToWire),
  }),
});
