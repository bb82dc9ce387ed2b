import { tokens, type Token, type TokenKind } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newTokenId } from '@/lib/ids';
import { normalizeCidr } from '@/lib/net/cidr';
import { generateToken } from './token';

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
export function createToken({ ctx, input }: { ctx: Ctx; input: CreateTokenInput }): CreatedToken {
  const { token, prefix, hash } = generateToken();
  const expiry = input.maxAgeSeconds === null ? null : new Date(ctx.now.getTime() + input.maxAgeSeconds * 1000);
  const row = ctx.db
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
    .returning()
    .get();
  return { fullToken: token, token: row };
}
