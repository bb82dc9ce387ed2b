import type { Principal, RequestMeta } from '@/lib/call';
import type { Env } from '@/lib/env';
import { publicBaseUrl } from '@/lib/http/public-url';
import { and, eq } from 'drizzle-orm';
import { type TokenKind } from '@/db/schema';
import { tokens } from '@/db/tables';
import { recordUserAudit } from '@/lib/audit/record';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { hashToken } from '@/lib/tokens/token';
import { first } from '@/db/async';

/** Names of the cookie that carries the session token (next-auth's, "__Secure-" over https). */
export const SESSION_COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'] as const;

/**
 * Only login sessions (the tokens a sign-in creates) are console sessions. A personal or
 * application token is for the Authorization header: put into the session cookie it would turn a
 * leaked, scoped token into a console that checks no scopes (Profile → Tokens mints new ones).
 */
export function isConsoleSessionKind(kind: TokenKind): boolean {
  return kind === 'session';
}

/** The 401 for a token that the cookie carries but is not a console session (the proxy then clears the cookie). */
export const NOT_A_CONSOLE_SESSION = 'Not a console session: personal and application tokens work only in the Authorization header; sign in to use the console';

/** For resolveToken's `accept`: the 401 message for a cookie token that is no console session, or null. */
export function consoleSessionRefusal(token: { kind: TokenKind }): string | null {
  return isConsoleSessionKind(token.kind) ? null : NOT_A_CONSOLE_SESSION;
}

/**
 * next-auth's view of the cookie (its jwt.decode): the user of the session token it names, or null
 * when it names no live console session (unknown, expired, or a personal or application token).
 * The request gate does the full check (allowlists, policy) on every console request.
 */
export async function consoleSessionUserId(ctx: Ctx, token: string): Promise<string | null> {
  const row = await first(
    ctx.db
      .select({ userId: tokens.userId, kind: tokens.kind, expiryTime: tokens.expiryTime })
      .from(tokens)
      .where(eq(tokens.tokenHash, hashToken(token)))
      .limit(1),
  );
  if (!row || !isConsoleSessionKind(row.kind)) return null;
  if (row.expiryTime !== null && row.expiryTime <= iso(ctx.now)) return null;
  return row.userId;
}

const DEFAULT_SESSION_MAX_AGE_SECONDS = 24 * 60 * 60;

/**
 * Login sessions slide: each use moves the expiry SESSION_MAX_AGE_SECONDS ahead, so a session
 * ends after that long without use (a day unless configured).
 */
export function sessionTokenSettings(env: Env = process.env) {
  const configured = Number(env.SESSION_MAX_AGE_SECONDS);
  const maxAgeSeconds =
    Number.isInteger(configured) && configured >= 600 && configured <= 315_360_000
      ? configured
      : DEFAULT_SESSION_MAX_AGE_SECONDS;
  return { maxAgeSeconds, extendWhenUsed: true };
}

/**
 * The name of the session cookie for this public URL: "__Secure-next-auth.session-token" over
 * https (as next-auth names it when NEXTAUTH_URL is https), "next-auth.session-token" otherwise.
 */
export function sessionCookieName(publicUrl: string): (typeof SESSION_COOKIE_NAMES)[number] {
  return publicUrl.trim().toLowerCase().startsWith('https://') ? SESSION_COOKIE_NAMES[0] : SESSION_COOKIE_NAMES[1];
}

/**
 * The session token from the one cookie name the public URL uses (see sessionCookieName). Over
 * https the plain name never counts: a network attacker can plant a cookie on the http:// origin
 * of the same host (cookies do not separate schemes), while only a secure page can set a
 * "__Secure-" one. `publicUrl` is the server's (PUBLIC_URL) unless given.
 */
export function sessionTokenFromCookies(get: (name: string) => string | undefined, publicUrl: string = publicBaseUrl()): string | null {
  return get(sessionCookieName(publicUrl)) || null;
}

/** Signs the caller out: revokes the token the request was made with and records it. */
export async function signOut({ ctx, principal, meta }: { ctx: Ctx; principal: Principal; meta: RequestMeta }): Promise<void> {
  await inTransaction(ctx, async (ctx) => {
    await ctx.db
      .delete(tokens)
      .where(and(eq(tokens.id, principal.token.id), eq(tokens.userId, principal.user.id)));
    await recordUserAudit(
      ctx,
      principal.memberships.map((m) => m.organization.id),
      {
        event: 'auth.sign_out',
        actorUserId: principal.user.id,
        actorEmail: principal.user.email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { token_prefix: principal.token.tokenPrefix, kind: principal.token.kind },
      },
    );
  });
}

/**
 * The Set-Cookie header of a session made outside next-auth (SAML's ACS), with next-auth's name
 * and flags: "__Secure-" and Secure when the public URL is https (as next-auth decides from
 * NEXTAUTH_URL), HttpOnly, SameSite=Lax, the whole site.
 */
export function sessionCookieHeader(token: string, maxAgeSeconds: number, publicUrl: string): string {
  const name = sessionCookieName(publicUrl);
  const secure = name === SESSION_COOKIE_NAMES[0];
  return `${name}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
