import { NextResponse, type NextRequest } from 'next/server';
import { gate, SIGN_OUT_SCOPE } from '@/lib/auth/gate';
import { SESSION_COOKIE_NAMES, sessionTokenFromCookies, signOut } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { toAppError } from '@/lib/errors';
import { requestMeta } from '@/lib/api/handler';
import { crossSiteRefusal } from '@/lib/http/same-origin';
import { publicBaseUrl } from '@/lib/http/public-url';

// POST /signout: the console's sign-out (the profile menu's form, and the "Access refused"
// page's). A route of its own rather than a server action, so that proxy.ts can tell it apart
// and let it through the organizations' policies and allowlists: a person they refuse can still
// end their session. It revokes the session cookie's token and clears the cookie; a dead or
// missing one just lands on sign-in. Like every POST that spends the cookie, it must come from a
// page of ours (lib/http/same-origin.ts): another site cannot sign people out.
export async function POST(request: NextRequest) {
  const crossSite = crossSiteRefusal(request.headers, publicBaseUrl());
  if (crossSite) return new NextResponse(crossSite, { status: 403, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  const meta = requestMeta(request.headers);
  const cookieToken = sessionTokenFromCookies((name) => request.cookies.get(name)?.value);
  if (cookieToken) {
    try {
      const ctx = liveCtx();
      const { principal } = await gate({ ctx, input: { authorization: null, cookieToken, ...meta, scope: SIGN_OUT_SCOPE } });
      await signOut({ ctx, principal, meta });
    } catch (error) {
      // Already signed out (401): nothing to revoke. Anything else is logged by toAppError.
      toAppError(error);
    }
  }
  // The public URL, not the request's: behind the custom server Next sees its own host name.
  const response = NextResponse.redirect(`${publicBaseUrl()}/signin`, 303);
  for (const name of SESSION_COOKIE_NAMES) response.cookies.delete(name);
  return response;
}
