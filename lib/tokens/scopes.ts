// Token scopes: what a token may reach. An empty list means everything its user may do (login
// sessions, and tokens made without scopes). The reference leaves the vocabulary open, so this
// is ours, shaped like the upstream one: an area grants read and write, "area:read" only reads.

export const SCOPE_AREAS = ['user', 'projects', 'organizations', 'authentication'] as const;
export type ScopeArea = (typeof SCOPE_AREAS)[number];

export const SCOPES = SCOPE_AREAS.flatMap((area) => [area, `${area}:read`, `${area}:write`]);

export type RequiredScope = { area: ScopeArea; access: 'read' | 'write' };

/** The scope a /v1 request needs, or null for requests any token may make (logging itself out). */
export function requiredScope(method: string, pathname: string): RequiredScope | null {
  const access = method === 'GET' || method === 'HEAD' ? 'read' : 'write';
  if (pathname === '/v1/me/logout') return null;
  if (/^\/v1\/organization\/[^/]+\/(config\/authentication|authentication-methods|domains)(\/|$)/.test(pathname)) {
    return { area: 'authentication', access };
  }
  // A member's second factor (reset by a super admin) is sign-in configuration too: a token
  // meant for managing members and projects must not strip anyone's 2FA.
  if (/^\/v1\/organization\/[^/]+\/user\/[^/]+\/two-factor(\/|$)/.test(pathname)) return { area: 'authentication', access };
  if (/^\/v1\/account\/[^/]+\/authentication(\/|$)/.test(pathname)) return { area: 'authentication', access };
  if (/^\/v1\/(organization|organizations|account)(\/|$)/.test(pathname)) return { area: 'organizations', access };
  if (/^\/v1\/project(\/|$)/.test(pathname)) return { area: 'projects', access };
  return { area: 'user', access };
}

export function scopesPermit(scopes: readonly string[], required: RequiredScope | null): boolean {
  if (scopes.length === 0 || required === null) return true;
  return scopes.some((scope) => scope === required.area || scope === `${required.area}:${required.access}`);
}
