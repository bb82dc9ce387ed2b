'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { cancelInvitation } from '@/lib/invitations/manage';
import { inviteSchema } from '@/lib/invitations/schema';
import { sendInvitation } from '@/lib/invitations/send';

// The link comes back only when it was not mailed (lib/invitations/send.ts).
export const inviteAction = consoleAction(inviteSchema, async (input, call) => {
  const sent = await sendInvitation({ ...call, input });
  return { email: sent.invitation.email, link: sent.link, mailSent: sent.mailed, mailError: sent.mailError };
});

export const cancelInvitationAction = consoleAction(z.object({ email: z.string().min(1).max(254) }), async ({ email }, call) => {
  await cancelInvitation({ ...call, email });
});
