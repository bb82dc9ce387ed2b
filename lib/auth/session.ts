import type { Env } from '@/lib/env';
import { and, eq } from 'drizzle-orm';
import { tokens } from '@/db/schema';
import { recordUserAudit } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';
import type { Principal } from './gate';
import type { RequestMeta } from './sign-in';

/** Names of the cookie that carries the session token (next-auth's, "__Secure-" over https). */
export const SESSION_COOKIE_NAMES = ['__Secure-next-auth.session-token', 'next-auth.session-token'] as const;

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

/** The session token of the first cookie present, of the names above. */
export function sessionTokenFromCookies(get: (name: string) => string | undefined): string | null {
  for (const name of SESSION_COOKIE_NAMES) {
    const value = get(name);
    if (value) return value;
  }
  return null;
}

/** Signs the caller out: revokes the token the request was made with and records it. */
export function signOut({ ctx, principal, meta }: { ctx: Ctx; principal: Principal; meta: RequestMeta }): void {
  ctx.db.transaction(() => {
    ctx.db
      .delete(tokens)
      .where(and(eq(tokens.id, principal.token.id), eq(tokens.userId, principal.user.id)))
      .run();
    recordUserAudit(
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
  const secure = publicUrl.startsWith('https://');
  const name = secure ? SESSION_COOKIE_NAMES[0] : SESSION_COOKIE_NAMES[1];
  return `${name}=${token}; Path=/; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}
