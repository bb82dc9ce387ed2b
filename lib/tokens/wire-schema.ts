import { z } from 'zod';
import { tokenKinds } from '@/db/schema';

// The response schemas of the token area: tokenToWire (wire.ts) is typed against them, and the
// OpenAPI document (lib/api/openapi) describes the responses with them.

export const tokenWireSchema = z
  .object({
    token_prefix: z.string().meta({ description: 'The first characters of the token: what identifies it in lists and revocations.' }),
    description: z.string(),
    create_time: z.string(),
    created_manually: z.boolean().meta({ description: 'false for the tokens a sign-in made.' }),
    currently_active: z.boolean().meta({ description: 'Whether this is the token the request was made with.' }),
    expiry_time: z.string().nullable(),
    extend_when_used: z.boolean(),
    max_age_seconds: z.number().int().nullable(),
    ip_allowlist: z.array(z.string()),
    scopes: z.array(z.string()).meta({ description: 'Empty: everything its user may do.' }),
    last_ip: z.string().nullable(),
    last_used_time: z.string().nullable(),
    last_user_agent: z.string().nullable(),
    last_user_agent_human_readable: z.string().nullable(),
    kind: z.enum(tokenKinds).meta({ description: 'Extension: session (a sign-in), personal or application.' }),
    auth_method: z.string().meta({ description: 'Extension: the sign-in method behind the token.' }),
  })
  .meta({ id: 'AccessToken', description: 'A token, without its secret: the full token is shown once, when it is made.' });
export type TokenWire = z.infer<typeof tokenWireSchema>;

export const createdTokenWireSchema = tokenWireSchema
  .extend({ full_token: z.string().meta({ description: 'The token itself, in this response only.' }) })
  .meta({ id: 'CreatedAccessToken' });

export const tokenListWireSchema = z.object({ tokens: z.array(tokenWireSchema) });

/** POST .../application-users/{user_id}/access-tokens: only the token and its prefix, as upstream answers. */
export const createdApplicationTokenWireSchema = z.object({ full_token: z.string(), token_prefix: z.string() });
