import { isPublicApiPath } from '@/lib/http/routes';

// Which paths need no sign-in. Everything else is protected: a page added later is guarded
// without anyone remembering to list it. The public /v1 routes are marked in lib/http/routes.ts.

// Each covers itself and what lies below it: "/signin" and "/signin/x", never "/signing-keys".
// /invite: an invitation link, opened before its invitee has an account.
// /forgot-password and /reset-password: a person who cannot sign in asks for, and uses, a reset link.
const PUBLIC_PAGE_PREFIXES = ['/signin', '/setup', '/api/auth', '/invite', '/forgot-password', '/reset-password'];

/** Where the console's sign-out form posts (app/signout/route.ts); it works under any policy or allowlist. */
export const SIGN_OUT_PATH = '/signout';

export type Area = 'api' | 'public-api' | 'public-page' | 'console';

export function areaOf(pathname: string): Area {
  if (pathname === '/healthz') return 'public-api';
  if (pathname === '/v1' || pathname.startsWith('/v1/')) {
    return isPublicApiPath(pathname) ? 'public-api' : 'api';
  }
  if (PUBLIC_PAGE_PREFIXES.some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`))) {
    return 'public-page';
  }
  return 'console';
}

/** A same-site path to return to after sign-in; anything else (another host, "//x") becomes "/". */
export function safeReturnPath(value: string | null | undefined): string {
  // Browsers drop tabs and newlines anywhere in a URL ("/\t/evil.test" is "//evil.test"), so
  // control characters are refused outright rather than checked for after the leading slash.
  if (!value || !value.startsWith('/') || value.startsWith('//') || value.startsWith('/\\') || /[\u0000-\u001f\u007f]/.test(value)) {
    return '/';
  }
  return value;
}

/**
 * Console pages of the user's own resources: every organization of the user governs them. The
 * verify-email page (a mailed link) proves the user's own address, so it is one of them.
 */
export function isOwnResourcePage(pathname: string): boolean {
  return ['/profile', '/verify-email'].some((prefix) => pathname === prefix || pathname.startsWith(`${prefix}/`));
}
