import type { Token } from '@/db/schema';
import { humanUserAgent } from './user-agent';
import type { TokenWire } from './wire-schema';

/**
 * The token object of the API (GET /v1/access_token and friends). Explicit fields: the hash and
 * the internal id never leave the server. `full_token` is added by the create response only.
 */
export function tokenToWire(token: Token, currentTokenId: string | null): TokenWire {
  return {
    token_prefix: token.tokenPrefix,
    description: token.description,
    create_time: token.createTime,
    created_manually: token.createdManually,
    currently_active: token.id === currentTokenId,
    expiry_time: token.expiryTime,
    extend_when_used: token.extendWhenUsed,
    max_age_seconds: token.maxAgeSeconds,
    ip_allowlist: token.ipAllowlist,
    scopes: token.scopes,
    last_ip: token.lastIp,
    last_used_time: token.lastUsedTime,
    last_user_agent: token.lastUserAgent,
    last_user_agent_human_readable: humanUserAgent(token.lastUserAgent),
    // Extensions: what kind of token, and the sign-in method behind it.
    kind: token.kind,
    auth_method: token.authMethod,
  };
}
export type WireToken = TokenWire;
