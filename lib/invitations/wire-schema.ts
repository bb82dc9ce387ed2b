import { z } from 'zod';

// The invitation object's schema: invitationToWire (wire.ts) is typed against it.

export const invitationWireSchema = z
  .object({
    user_email: z.string(),
    invited_by: z.string(),
    create_time: z.string(),
    expiry_time: z.string(),
  })
  .meta({ id: 'Invitation' });
export type InvitationWire = z.infer<typeof invitationWireSchema>;

/** POST /v1/organization/{organization_id}/invitation: the invitation, and whether it was mailed. */
export const sentInvitationWireSchema = invitationWireSchema
  .extend({
    mail_sent: z.boolean().meta({ description: 'Extension.' }),
    invite_link: z.string().optional().meta({ description: 'Only when the mail did not go out (no SMTP, or it failed): shown here only.' }),
    mail_error: z.string().optional(),
  })
  .meta({ id: 'SentInvitation' });
