import { z } from 'zod';

// The inputs of the security overview's pages and actions. Zod only: the browser imports this file.

export const TOKEN_FILTER_VALUES = ['all', 'no_expiry', 'no_ip_allowlist', 'unused', 'expiring'] as const;

/** "Revoke unused tokens…": the tokens the preview listed and the admin confirmed, by id. */
export const MAX_REVOKE_AT_ONCE = 1000;
export const revokeUnusedTokensSchema = z.object({
  token_ids: z
    .array(z.string().min(1).max(64))
    .min(1, 'Choose at least one token')
    .max(MAX_REVOKE_AT_ONCE, `At most ${MAX_REVOKE_AT_ONCE} tokens at once`),
});
export type RevokeUnusedTokensInput = z.infer<typeof revokeUnusedTokensSchema>;
