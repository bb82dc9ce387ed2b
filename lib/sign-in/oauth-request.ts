import { AsyncLocalStorage } from 'node:async_hooks';
import { recordAudit, recordUserAudit } from '@/lib/audit/record';
import type { Principal, RequestMeta } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import type { Env } from '@/lib/env';
import { toAppError } from '@/lib/errors';
import { safeReturnPath } from '@/lib/http/areas';
import { publicBaseUrl } from '@/lib/http/public-url';
import { linkIdentityToUser } from './identities';
import { isOAuthProvider, oauthSignUpMode, type OAuthProviderId } from './oauth-config';
import { classifyOAuthFailure, loggedErrorText, sealMessage, type LoggedAuthError } from './oauth-failure';
import { LINK_INTENT_COOKIE, readLinkIntent } from './oauth-link-intent';
import { signInWithOAuth, type OAuthOutcome } from './oauth';
import type { OAuthIdentityInput } from './oauth-schema';
import { optionalSession } from '@/lib/auth/optional-session';
import { sessionTokenFromCookies } from '@/lib/auth/session';
import { pendingTwoFactorEnrollment, twoFactorEnrollmentError } from '@/lib/two-factor/status';

// One request to next-auth's /api/auth/* routes, as our code around next-auth sees it. next-auth
// gives its callbacks neither the request (client address, cookies) nor a way to change where
// the callback redirects; this state, carried through next-auth's awaits by AsyncLocalStorage,
// gives the signIn callback the request and lets the route handler say what happened. The route
// (app/api/auth/[...nextauth]/route.ts) and next-auth's options (app/_lib/auth-options.ts) are
// adapters over this file: the outcome routing and its audit live here.

type Result =
  | { kind: 'signed_in'; provider: OAuthProviderId; outcome: OAuthOutcome; joined: string[] }
  | { kind: 'refused'; provider: OAuthProviderId; message: string }
  | { kind: 'linked'; provider: OAuthProviderId; alreadyLinked: boolean }
  | { kind: 'link_refused'; provider: OAuthProviderId; message: string };

export type OAuthRequest = {
  ctx: Ctx;
  /** NEXTAUTH_SECRET (sealed messages, link intents), the public URL and the sign-up mode. */
  env: Env;
  meta: RequestMeta;
  /** Set on a provider callback that finishes a link started on Profile → Authentication. */
  link: { principal: Principal; /** Why the link may not finish (a held-back session), or null. */ refusal: string | null } | null;
  logged: LoggedAuthError[];
  result: Result | null;
  /** The session token a successful sign-in created, for next-auth's jwt callback. */
  sessionToken?: string;
};

const storage = new AsyncLocalStorage<OAuthRequest>();

export function currentOAuthRequest(): OAuthRequest | undefined {
  return storage.getStore();
}

/** next-auth's logger: errors are kept for the request they belong to, and printed as before. */
export const authLogger = {
  error(code: string, metadata: unknown) {
    storage.getStore()?.logged.push({ code, metadata });
    console.error(`[next-auth] ${code}`, metadata instanceof Error ? metadata.message : loggedErrorText([{ code, metadata }]));
  },
  warn(code: string) {
    console.warn(`[next-auth] ${code}`);
  },
  debug() {},
};

const secretOf = (env: Env) => env.NEXTAUTH_SECRET ?? '';

/** The signIn callback's work for a provider sign-in: true lets next-auth set the session cookie. */
export async function handleOAuthIdentity(request: OAuthRequest, identity: OAuthIdentityInput & { provider: OAuthProviderId }): Promise<true | string> {
  const { ctx } = request;
  if (request.link) {
    if (request.link.refusal) {
      const { user, memberships } = request.link.principal;
      await recordUserAudit(ctx, memberships.map((m) => m.organization.id), {
        event: 'identity.link_failed',
        actorUserId: user.id,
        actorEmail: user.email,
        ip: request.meta.ip,
        userAgent: request.meta.userAgent,
        details: { provider: identity.provider, subject: identity.subject, reason: 'two_factor_enrollment_required' },
      });
      request.result = { kind: 'link_refused', provider: identity.provider, message: request.link.refusal };
      return '/profile/authentication';
    }
    try {
      const { alreadyLinked } = await linkIdentityToUser({ ctx, principal: request.link.principal, meta: request.meta, input: identity });
      request.result = { kind: 'linked', provider: identity.provider, alreadyLinked };
    } catch (error) {
      request.result = { kind: 'link_refused', provider: identity.provider, message: toAppError(error).message };
    }
    // A string: next-auth redirects without touching the session cookie (the route rewrites where).
    return '/profile/authentication';
  }
  try {
    const result = await signInWithOAuth({ ctx, input: identity, meta: request.meta, signUp: oauthSignUpMode(request.env) });
    request.result = { kind: 'signed_in', provider: identity.provider, outcome: result.outcome, joined: result.joined };
    request.sessionToken = result.fullToken;
    return true;
  } catch (error) {
    request.result = { kind: 'refused', provider: identity.provider, message: toAppError(error).message };
    return '/signin';
  }
}

/**
 * Runs next-auth for one request. On a provider callback it then rewrites where the browser goes:
 * the sign-in page with what went wrong, a page telling a new or newly linked user what
 * happened, or back to Profile → Authentication after a link.
 */
export async function withOAuthRequest(
  {
    ctx,
    input,
    env = process.env,
  }: {
    ctx: Ctx;
    input: {
      request: Request;
      meta: RequestMeta;
      /** The request's cookies by name. */
      cookies: (name: string) => string | undefined;
      /** The path under /api/auth: the action (signin, callback, ...) and the provider. */
      action: string | undefined;
      provider: string | undefined;
    };
    env?: Env;
  },
  run: () => Promise<Response>,
): Promise<Response> {
  const { request: req, meta, cookies } = input;
  const provider = isOAuthProvider(input.provider) ? input.provider : null;
  const isCallback = input.action === 'callback' && provider !== null;
  const isStart = input.action === 'signin' && provider !== null && req.method === 'POST';
  const request: OAuthRequest = { ctx, env, meta, link: null, logged: [], result: null };
  const base = publicBaseUrl(env);

  const linkCookie = cookies(LINK_INTENT_COOKIE);
  if (isCallback && linkCookie) {
    const sessionToken = sessionTokenFromCookies(cookies, base);
    if (readLinkIntent(secretOf(env), linkCookie, { provider: provider!, sessionToken, now: ctx.now }) && sessionToken) {
      // A session that ended meanwhile is no one: the callback is then an ordinary sign-in.
      const session = await optionalSession({ ctx, input: { cookieToken: sessionToken, ...meta, scope: { kind: 'console', ownResources: true } } });
      if (session) {
        // A session that two-factor enrollment holds back may not finish a link (which would give
        // its user a sign-in method that no enrollment holds back): the link is refused, with why.
        const requiring = await pendingTwoFactorEnrollment(ctx, session.principal, session.governing);
        request.link = {
          principal: session.principal,
          refusal: requiring ? `${twoFactorEnrollmentError(requiring, 'console').message} Until then no sign-in method can be linked.` : null,
        };
      }
    }
  }

  const response = await storage.run(request, run);
  if (!isCallback && !isStart) return response;

  const headers = new Headers(response.headers);
  if (isCallback && linkCookie) headers.append('set-cookie', `${LINK_INTENT_COOKIE}=; Path=/api/auth; Max-Age=0; HttpOnly; SameSite=Lax`);
  const location = headers.get('location');
  const redirect = (path: string) => {
    headers.set('location', new URL(path, base).toString());
    return new Response(null, { status: 302, headers });
  };

  if (isStart) {
    // The start of a flow failed (discovery, provider down): next-auth answers with its error URL.
    if (request.logged.length > 0) await recordProviderFailure(request, provider!);
    return new Response(response.body, { status: response.status, headers });
  }

  const result = request.result;
  if (result?.kind === 'signed_in') {
    if (result.outcome === 'signed_in') return new Response(response.body, { status: response.status, headers });
    const next = location ? safeReturnPath(pathOf(location, base)) : '/';
    const params = new URLSearchParams({ outcome: result.outcome, provider: result.provider, next });
    if (result.joined.length) params.set('joined', result.joined.join('\n'));
    return redirect(`/signin/complete?${params}`);
  }
  if (result?.kind === 'refused') {
    return redirect(`/signin?${new URLSearchParams({ error: 'OAuthRefused', provider: result.provider, message: sealMessage(secretOf(env), result.message) })}`);
  }
  if (result?.kind === 'linked') return redirect(`/profile/authentication?${new URLSearchParams({ linked: result.provider })}`);
  if (result?.kind === 'link_refused') {
    return redirect(`/profile/authentication?${new URLSearchParams({ link_error: sealMessage(secretOf(env), result.message) })}`);
  }
  // No identity reached us: the flow failed at or on the way back from the provider.
  const reason = await recordProviderFailure(request, provider!);
  if (request.link) return redirect(`/profile/authentication?${new URLSearchParams({ link_failed: reason, provider: provider! })}`);
  return redirect(`/signin?${new URLSearchParams({ error: `oauth_${reason}`, provider: provider! })}`);
}

function pathOf(location: string, base: string): string {
  try {
    const url = new URL(location, base);
    return url.origin === new URL(base).origin ? `${url.pathname}${url.search}` : '/';
  } catch {
    return '/';
  }
}

/** Records a failure before any identity was known; returns our reason for it. */
async function recordProviderFailure(request: OAuthRequest, provider: OAuthProviderId): Promise<string> {
  const reason = classifyOAuthFailure(request.logged);
  const details = { method: provider, reason, error: loggedErrorText(request.logged).slice(0, 500) };
  const audit = { ip: request.meta.ip, userAgent: request.meta.userAgent };
  const { ctx } = request;
  if (request.link) {
    const { user, memberships } = request.link.principal;
    await recordUserAudit(ctx, memberships.map((m) => m.organization.id), {
      ...audit,
      event: 'identity.link_failed',
      actorUserId: user.id,
      actorEmail: user.email,
      details: { provider, reason, error: details.error },
    });
  } else {
    // Nobody is known yet, so the event belongs to no organization.
    await recordAudit(ctx, { ...audit, event: 'auth.sign_in_failed', details });
  }
  return reason;
}
