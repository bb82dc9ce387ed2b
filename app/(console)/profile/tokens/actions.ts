'use server';

import { z } from 'zod';
import { consoleAction } from '@/app/_lib/action';
import { createPersonalToken, revokeOtherTokens, revokeToken, updateTokenDescription } from '@/lib/tokens/manage';
import { createTokenSchema, descriptionSchema } from '@/lib/tokens/schema';
import { tokenToWire } from '@/lib/tokens/wire';

const prefixSchema = z.string().min(1).max(64);
// Tokens are the user's own: every organization of the user governs these actions.
const own = { ownResources: true };

export const createTokenAction = consoleAction(createTokenSchema, async (input, call) => {
  const { fullToken, token } = await createPersonalToken({ ...call, input });
  return { fullToken, token: tokenToWire(token, call.principal.token.id) };
}, own);

export const updateTokenAction = consoleAction(
  z.object({ prefix: prefixSchema, description: descriptionSchema }),
  async ({ prefix, description }, call) => {
    await updateTokenDescription({ ...call, prefix, input: { description } });
  },
  own,
);

/** Revokes one token; `signedOut` tells the page that it was the session in use. */
export const revokeTokenAction = consoleAction(z.object({ prefix: prefixSchema }), async ({ prefix }, call) => {
  const token = await revokeToken({ ...call, prefixOrToken: prefix });
  return { signedOut: token.id === call.principal.token.id };
}, own);

export const revokeOtherTokensAction = consoleAction(z.object({}), async (_input, call) => ({
  revoked: await revokeOtherTokens(call),
}), own);
