// Token scopes: what a token may reach. An empty list means everything its user may do (login
// sessions, and tokens made without scopes). The reference leaves the vocabulary open, so this
// is ours, shaped like the upstream one: an area grants read and write, "area:read" only reads.

export const SCOPE_AREAS = ['user', 'projects', 'organizations', 'authentication'] as const;
export type ScopeArea = (typeof SCOPE_AREAS)[number];

export const SCOPES = SCOPE_AREAS.flatMap((area) => [area, `${area}:read`, `${area}:write`]);

/** What a request needs; each /v1 route's area is in the route table (lib/http/routes.ts: requiredScope). */
export type RequiredScope = { area: ScopeArea; access: 'read' | 'write' };

export function scopesPermit(scopes: readonly string[], required: RequiredScope | null): boolean {
  if (scopes.length === 0 || required === null) return true;
  return scopes.some((scope) => scope === required.area || scope === `${required.area}:${required.access}`);
}
