import type { Invitation } from '@/db/schema';
import type { InvitationWire } from './wire-schema';

export function invitationToWire(invitation: Invitation): InvitationWire {
  return {
    user_email: invitation.email,
    invited_by: invitation.invitedByEmail,
    create_time: invitation.createTime,
    expiry_time: invitation.expiryTime,
  };
}
