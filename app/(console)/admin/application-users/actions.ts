'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import {
  createApplicationToken,
  createApplicationUser,
  deleteApplicationUser,
  revokeApplicationToken,
  updateApplicationUser,
} from '@/lib/application-users/manage';
import { createApplicationUserSchema, updateApplicationUserSchema } from '@/lib/application-users/schema';
import { createTokenSchema } from '@/lib/tokens/schema';

const idSchema = z.string().min(1).max(64);

export const createApplicationUserAction = consoleAction(createApplicationUserSchema, async (input, call) => {
  const { user } = await createApplicationUser({ ...call, input });
  return { userId: user.id };
});

export const updateApplicationUserAction = consoleAction(
  updateApplicationUserSchema.extend({ user_id: idSchema }),
  async ({ user_id, ...input }, call) => {
    await updateApplicationUser({ ...call, userId: user_id, input });
  },
);

export const deleteApplicationUserAction = consoleAction(z.object({ user_id: idSchema }), async ({ user_id }, call) => ({
  revoked: await deleteApplicationUser({ ...call, userId: user_id }),
}));

/** Bound to the application user on the page: `createApplicationTokenAction.bind(null, userId)`. */
export async function createApplicationTokenAction(userId: string, values: unknown) {
  return consoleAction(createTokenSchema, async (input, call) => {
    const { fullToken, token } = await createApplicationToken({ ...call, userId, input });
    return { fullToken, token: { description: token.description } };
  })(values as z.input<typeof createTokenSchema>);
}

export const revokeApplicationTokenAction = consoleAction(
  z.object({ user_id: idSchema, prefix: z.string().min(1).max(64) }),
  async ({ user_id, prefix }, call) => {
    await revokeApplicationToken({ ...call, userId: user_id, prefix });
  },
);
