'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { liveCtx } from '@/lib/context';
import { cancelInvitation } from '@/lib/invitations/manage';
import { inviteSchema } from '@/lib/invitations/schema';
import { sendInvitation } from '@/lib/invitations/send';

// The link comes back only when it was not mailed (lib/invitations/send.ts).
export const inviteAction = consoleAction(inviteSchema, async (input, { principal, organization, meta }) => {
  const sent = await sendInvitation({ ctx: liveCtx(), principal, membership: organization, meta, input });
  return { email: sent.invitation.email, link: sent.link, mailSent: sent.mailed, mailError: sent.mailError };
});

export const cancelInvitationAction = consoleAction(z.object({ email: z.string().min(1).max(254) }), async ({ email }, { principal, organization, meta }) => {
  cancelInvitation({ ctx: liveCtx(), principal, membership: organization, meta, email });
});
