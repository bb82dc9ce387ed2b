import { matchApiRoute } from '@/lib/http/routes';

// The `route` label of a request: the pattern it reached, never the raw path, so that ids,
// tokens in paths (/v1/access_token/{token}) and whatever a scanner tries add no series and
// leak nothing into the metrics. /v1 paths take their pattern from the route table
// (lib/http/routes.ts); pages and other handlers from APP_ROUTES below, which
// route-label.test.ts holds to the files under app/. Anything else is UNMATCHED.

/** The one label value of every path that no route serves (404s, scanners). */
export const UNMATCHED = 'unmatched';

/** GET /metrics itself, answered by the custom server before Next. */
export const METRICS_PATH = '/metrics';

/**
 * The app's routes outside /v1, as Next writes them: `[name]` one segment, `[...name]` one or
 * more. Route groups such as `(console)` are not part of the path. Public files are listed too.
 */
export const APP_ROUTES = [
  '/',
  '/admin/application-users',
  '/admin/application-users/[userId]',
  '/admin/audit-log',
  '/admin/audit-log/export',
  '/admin/audit-log/streaming',
  '/admin/authentication-policy',
  '/admin/domains',
  '/admin/identity-providers',
  '/admin/identity-providers/[methodId]',
  '/admin/security/members',
  '/admin/security/tokens',
  '/admin/units',
  '/admin/users',
  '/admin/users/[userId]',
  '/api-reference',
  '/api/auth/[...nextauth]',
  '/forgot-password',
  '/healthz',
  '/invite/[secret]',
  '/profile/authentication',
  '/profile/authentication/link/[accountId]/[methodId]',
  '/profile/tokens',
  '/projects',
  '/projects/[project]',
  '/projects/[project]/services/[service]',
  '/reset-password/[secret]',
  '/setup',
  '/signin',
  '/signin/complete',
  '/signout',
  '/verify-email/[secret]',
] as const;

/** Files served from public/. */
export const PUBLIC_FILES = ['/favicon.ico', '/logo.svg'] as const;

type Compiled = { pattern: string; segments: readonly string[]; dynamic: number };
const COMPILED: readonly Compiled[] = APP_ROUTES.map((pattern) => {
  const segments = pattern.split('/').slice(1).filter(Boolean);
  return { pattern, segments, dynamic: segments.filter((s) => s.startsWith('[')).length };
})
  // As Next does: a literal segment wins over a parameter, a parameter over a catch-all.
  .sort((a, b) => a.dynamic - b.dynamic || b.segments.length - a.segments.length);

function matches({ segments }: Compiled, path: readonly string[]): boolean {
  for (const [i, segment] of segments.entries()) {
    if (segment.startsWith('[...')) return path.length > i && path.slice(i).every((s) => s !== '');
    if (i >= path.length || path[i] === '') return false;
    if (!segment.startsWith('[') && segment !== path[i]) return false;
  }
  return path.length === segments.length;
}

/** The route label of a request target (path and query as the request line has them). */
export function routeLabel(target: string): string {
  let path = target.split(/[?#]/, 1)[0]!;
  if (!path.startsWith('/')) return UNMATCHED;
  if (path === METRICS_PATH) return METRICS_PATH;
  if (path === '/v1' || path.startsWith('/v1/')) {
    const match = matchApiRoute(path);
    // The route's own path, or with one trailing slash; deeper paths below a route are unknown.
    const own = match && (match.rest.length === 0 || (match.rest.length === 1 && match.rest[0] === ''));
    return own && match.spec.methods.length > 0 ? match.pattern : UNMATCHED;
  }
  // Next's own files: the build's scripts and styles, and its image and data endpoints.
  if (path.startsWith('/_next/static/')) return '/_next/static';
  if (path.startsWith('/_next/')) return '/_next';
  if ((PUBLIC_FILES as readonly string[]).includes(path)) return path;
  if (path.length > 1 && path.endsWith('/')) path = path.slice(0, -1);
  const segments = path === '/' ? [] : path.split('/').slice(1);
  return COMPILED.find((route) => matches(route, segments))?.pattern ?? UNMATCHED;
}

/** The method label: the methods the app serves, and "other" for anything a client invents. */
export function methodLabel(method: string | undefined): string {
  const known = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
  return method && known.includes(method) ? method : 'other';
}
