'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import {
  createApplicationToken,
  createApplicationUser,
  deleteApplicationUser,
  revokeApplicationToken,
  updateApplicationUser,
} from '@/lib/appusers/manage';
import { createApplicationUserSchema, updateApplicationUserSchema } from '@/lib/appusers/schema';
import { liveCtx } from '@/lib/context';
import { createTokenSchema } from '@/lib/tokens/schema';

const idSchema = z.string().min(1).max(64);

export const createApplicationUserAction = consoleAction(createApplicationUserSchema, async (input, { principal, organization, meta }) => {
  const { user } = createApplicationUser({ ctx: liveCtx(), principal, membership: organization, meta, input });
  return { userId: user.id };
});

export const updateApplicationUserAction = consoleAction(
  updateApplicationUserSchema.extend({ user_id: idSchema }),
  async ({ user_id, ...input }, { principal, organization, meta }) => {
    updateApplicationUser({ ctx: liveCtx(), principal, membership: organization, meta, userId: user_id, input });
  },
);

export const deleteApplicationUserAction = consoleAction(z.object({ user_id: idSchema }), async ({ user_id }, { principal, organization, meta }) => ({
  revoked: deleteApplicationUser({ ctx: liveCtx(), principal, membership: organization, meta, userId: user_id }),
}));

/** Bound to the application user on the page: `createApplicationTokenAction.bind(null, userId)`. */
export async function createApplicationTokenAction(userId: string, values: unknown) {
  return consoleAction(createTokenSchema, async (input, { principal, organization, meta }) => {
    const { fullToken, token } = createApplicationToken({ ctx: liveCtx(), principal, membership: organization, meta, userId, input });
    return { fullToken, token: { description: token.description } };
  })(values as z.input<typeof createTokenSchema>);
}

export const revokeApplicationTokenAction = consoleAction(
  z.object({ user_id: idSchema, prefix: z.string().min(1).max(64) }),
  async ({ user_id, prefix }, { principal, organization, meta }) => {
    revokeApplicationToken({ ctx: liveCtx(), principal, membership: organization, meta, userId: user_id, prefix });
  },
);
