'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { liveCtx } from '@/lib/context';
import { mailInvitation, smtpSettings } from '@/lib/invitations/mail';
import { cancelInvitation, inviteMember } from '@/lib/invitations/manage';
import { inviteSchema } from '@/lib/invitations/schema';

export const inviteAction = consoleAction(inviteSchema, async (input, { principal, organization, meta }) => {
  const { invitation, link } = inviteMember({
    ctx: liveCtx(),
    principal,
    membership: organization,
    meta,
    input,
    baseUrl: process.env.NEXTAUTH_URL ?? '',
  });
  const mail = await mailInvitation(smtpSettings(), {
    to: invitation.email,
    organizationName: organization!.organization.name,
    invitedBy: principal.user.email,
    link,
    expiryTime: invitation.expiryTime,
  });
  return { email: invitation.email, link, mailSent: mail.sent, mailError: mail.error ?? null };
});

export const cancelInvitationAction = consoleAction(z.object({ email: z.string().min(1).max(254) }), async ({ email }, { principal, organization, meta }) => {
  cancelInvitation({ ctx: liveCtx(), principal, membership: organization, meta, email });
});
