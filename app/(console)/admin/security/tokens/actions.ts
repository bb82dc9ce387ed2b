'use server';

import { consoleAction } from '@/app/_lib/action';
import { revokeUnusedTokens } from '@/lib/security-overview/revoke-unused';
import { revokeUnusedTokensSchema } from '@/lib/security-overview/schema';

/** "Revoke unused tokens…" confirmed: lib checks the caller is a super admin and which tokens still qualify. */
export const revokeUnusedTokensAction = consoleAction(revokeUnusedTokensSchema, async (input, call) => {
  const revoked = await revokeUnusedTokens({ ...call, input });
  return { count: revoked.length };
});
