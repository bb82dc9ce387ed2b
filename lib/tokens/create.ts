import { type Token, type TokenKind } from '@/db/schema';
import { tokens } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { newTokenId } from '@/lib/ids';
import { normalizeCidr } from '@/lib/net/cidr';
import type { ParsedCreateToken } from './schema';
import { generateToken } from './token';
import { single } from '@/db/async';

export type CreateTokenInput = {
  userId: string;
  kind: TokenKind;
  /** The sign-in method behind the token: "password", "google", "saml", ... */
  authMethod: string;
  description: string;
  createdManually: boolean;
  maxAgeSeconds: number | null;
  extendWhenUsed: boolean;
  ipAllowlist?: string[];
  scopes?: string[];
};

export type CreatedToken = { fullToken: string; token: Token };

/** Creates a token and returns it in full: the only time the full token exists outside the client. */
export async function createToken({ ctx, input }: { ctx: Ctx; input: CreateTokenInput }): Promise<CreatedToken> {
  const { token, prefix, hash } = generateToken();
  const expiry = input.maxAgeSeconds === null ? null : new Date(ctx.now.getTime() + input.maxAgeSeconds * 1000);
  const row = await single(
    ctx.db
      .insert(tokens)
      .values({
        id: newTokenId(),
        userId: input.userId,
        tokenHash: hash,
        tokenPrefix: prefix,
        kind: input.kind,
        authMethod: input.authMethod,
        description: input.description,
        createdManually: input.createdManually,
        createTime: iso(ctx.now),
        expiryTime: expiry ? iso(expiry) : null,
        maxAgeSeconds: input.maxAgeSeconds,
        extendWhenUsed: input.extendWhenUsed,
        ipAllowlist: (input.ipAllowlist ?? []).map((cidr) => {
          const normalized = normalizeCidr(cidr);
          if (!normalized) throw new Error(`createToken: invalid CIDR ${cidr}; validate input first`);
          return normalized;
        }),
        scopes: input.scopes ?? [],
      })
      .returning(),
  );
  return { fullToken: token, token: row };
}

/**
 * A token someone asked for by hand (the Generate token form, POST /v1/access_token, an
 * application user's token): the parsed request's limits, for the owner named.
 */
export async function createRequestedToken(ctx: Ctx, owner: Pick<CreateTokenInput, 'userId' | 'kind' | 'authMethod'>, input: ParsedCreateToken): Promise<CreatedToken> {
  return await createToken({
    ctx,
    input: {
      ...owner,
      description: input.description,
      createdManually: true,
      maxAgeSeconds: input.max_age_seconds,
      extendWhenUsed: input.extend_when_used,
      ipAllowlist: input.ip_allowlist,
      scopes: input.scopes,
    },
  });
}
