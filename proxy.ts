import { NextResponse, type NextRequest } from 'next/server';
import { gate, SIGN_OUT_SCOPE } from '@/lib/auth/gate';
import { sessionTokenFromCookies, SESSION_COOKIE_NAMES } from '@/lib/auth/session';
import { pendingTwoFactorEnrollment, TWO_FACTOR_ENROLLMENT_PATH, twoFactorEnrollmentError } from '@/lib/two-factor/status';
import { liveCtx } from '@/lib/context';
import { toAppError } from '@/lib/errors';
import { apiErrorResponse, apiGateInput, assertApiAllowedDuringTwoFactorEnrollment, requestMeta } from '@/lib/api/handler';
import { areaOf, isOwnResourcePage, SIGN_OUT_PATH } from '@/lib/http/areas';
import { CURRENT_ORG_COOKIE } from '@/lib/organizations/current';
import { isSetupNeeded } from '@/lib/setup/first-run';

// The request gate in front of pages, server actions and /v1. It dispatches per area to lib/;
// pages, actions and handlers run the same gate again, so this is the first check, not the only.

let setupDone = false;
async function needsSetup(): Promise<boolean> {
  // Setup never comes undone, so once it is seen done the check is skipped.
  if (setupDone) return false;
  setupDone = !await isSetupNeeded(liveCtx());
  return !setupDone;
}

export async function proxy(request: NextRequest) {
  const { pathname } = request.nextUrl;
  const area = areaOf(pathname);
  const meta = requestMeta(request.headers);

  if (area === 'public-api') return NextResponse.next();
  if (area === 'api') {
    try {
      const ctx = liveCtx();
      await assertApiAllowedDuringTwoFactorEnrollment(ctx, await gate({ ctx, input: apiGateInput(request, meta) }), request);
      return NextResponse.next();
    } catch (error) {
      return apiErrorResponse(error);
    }
  }

  if (await needsSetup()) {
    return pathname === '/setup' || pathname.startsWith('/api/auth/') ? NextResponse.next() : redirectTo(request, '/setup');
  }
  if (area === 'public-page') return NextResponse.next();

  const cookieToken = sessionTokenFromCookies((name) => request.cookies.get(name)?.value);
  const signIn = () => {
    const response = redirectTo(request, `/signin?callbackUrl=${encodeURIComponent(pathname + request.nextUrl.search)}`);
    // A dead session cookie is cleared so the browser stops sending it.
    if (cookieToken) for (const name of SESSION_COOKIE_NAMES) response.cookies.delete(name);
    return response;
  };
  // Signing out is the gate's one exception to the policies and allowlists (see SIGN_OUT_SCOPE).
  // Without a live session there is nothing to revoke: the route clears the cookie and goes to sign-in.
  const signingOut = pathname === SIGN_OUT_PATH && request.method === 'POST';
  if (!cookieToken) return signingOut ? NextResponse.next() : signIn();
  try {
    const ctx = liveCtx();
    const { principal, governing } = await gate({
      ctx,
      input: {
        authorization: null,
        cookieToken,
        ...meta,
        scope: signingOut
          ? SIGN_OUT_SCOPE
          : {
              kind: 'console',
              preferredOrganizationId: request.cookies.get(CURRENT_ORG_COOKIE)?.value ?? null,
              ownResources: isOwnResourcePage(pathname),
            },
      },
    });
    // A password session that must set up two-factor authentication reaches only the page
    // where it does that (and signing out); server actions posted elsewhere are refused.
    const pendingTwoFactor = pathname === TWO_FACTOR_ENROLLMENT_PATH || signingOut ? null : await pendingTwoFactorEnrollment(ctx, principal, governing);
    if (pendingTwoFactor) {
      if (request.method === 'GET' || request.method === 'HEAD') return redirectTo(request, TWO_FACTOR_ENROLLMENT_PATH);
      const refusal = twoFactorEnrollmentError(pendingTwoFactor, 'console');
      return forbiddenPage(refusal.message, refusal.status, 'Set up two-factor authentication under Profile → Authentication.');
    }
    return NextResponse.next();
  } catch (error) {
    const appError = toAppError(error);
    if (signingOut) return NextResponse.next();
    if (appError.status === 401) return signIn();
    return forbiddenPage(appError.message, appError.status);
  }
}

function redirectTo(request: NextRequest, path: string) {
  return NextResponse.redirect(new URL(path, request.nextUrl.origin));
}

function escapeHtml(text: string) {
  return text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

function forbiddenPage(
  message: string,
  status: number,
  hint = 'Ask an organization admin to add your address, or connect from an allowed network.',
) {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Access refused · Portcullis</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family:system-ui,sans-serif;background:#f8fafc;color:#0f172a;display:grid;place-items:center;min-height:100vh;margin:0">
<main style="max-width:32rem;background:#fff;border:1px solid #e2e8f0;border-radius:.75rem;padding:2rem">
<h1 style="margin:0 0 .75rem;font-size:1.25rem">Access refused</h1>
<p role="alert" style="margin:0 0 1rem">${escapeHtml(message)}</p>
<p style="margin:0;color:#475569;font-size:.875rem">${escapeHtml(hint)}</p>
<form method="post" action="${SIGN_OUT_PATH}" style="margin:1rem 0 0"><button type="submit" style="font:inherit;padding:.375rem .75rem;border:1px solid #cbd5e1;border-radius:.375rem;background:#fff;cursor:pointer">Sign out</button></form>
</main></body></html>`;
  return new NextResponse(html, { status, headers: { 'content-type': 'text/html; charset=utf-8' } });
}

export const config = {
  // Everything but Next's static assets and files in public/.
  matcher: ['/((?!_next/static|_next/image|favicon.ico|.*\\.(?:png|svg|ico|txt)$).*)'],
};
