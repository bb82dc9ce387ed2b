import type { Invitation } from '@/db/schema';

export function invitationToWire(invitation: Invitation) {
  return {
    user_email: invitation.email,
    invited_by: invitation.invitedByEmail,
    create_time: invitation.createTime,
    expiry_time: invitation.expiryTime,
  };
}
