import type { Principal, RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { authenticate, gate, type GateResult, type RequestScope } from './gate';

// The soft session check of pages and flows open to everyone (the invitation page, the page
// after a third-party sign-in, the SSO and OAuth starts): who the session cookie names, if
// anyone. A missing, dead or refused session is no one (null), never an error: these pages work
// without one. What comes back shows who is looking or names the actor in the audit log; a
// decision on it runs the full gate (optionalSession, with the request's scope).

type SoftInput = { cookieToken: string | null } & RequestMeta;

async function softly<T>(cookieToken: string | null, check: (cookieToken: string) => Promise<T>): Promise<T | null> {
  if (!cookieToken) return null;
  try {
    return await check(cookieToken);
  } catch {
    return null;
  }
}

/** The user of a live session cookie (the token alone: no allowlists or policies), or null. */
export async function optionalPrincipal({ ctx, input }: { ctx: Ctx; input: SoftInput }): Promise<Principal | null> {
  const meta: RequestMeta = { ip: input.ip, userAgent: input.userAgent };
  return await softly(input.cookieToken, (cookieToken) => authenticate({ ctx, input: { authorization: null, cookieToken, ...meta } }));
}

/** The gate's answer for a session cookie in `scope` (allowlists, policies), or null where it refuses. */
export async function optionalSession({ ctx, input }: { ctx: Ctx; input: SoftInput & { scope: RequestScope } }): Promise<GateResult | null> {
  const meta: RequestMeta = { ip: input.ip, userAgent: input.userAgent };
  return await softly(input.cookieToken, (cookieToken) => gate({ ctx, input: { authorization: null, cookieToken, ...meta, scope: input.scope } }));
}
