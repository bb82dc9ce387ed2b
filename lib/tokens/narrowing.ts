import type { Token } from '@/db/schema';
import { AppError } from '@/lib/errors';
import { allowlistOf } from '@/lib/net/cidr';
import { SCOPE_AREAS, scopesPermit } from './scopes';

// A token made with a personal or application token is never wider than the token that made it:
// otherwise a leaked `projects:read` token, or one locked to an office network, mints a token
// with no scopes and no allowlist, and the leak is as bad as a stolen password. Only a login
// session (someone who signed in) may create any token its user may have.

/** What a new token would be allowed: the parts that can make it wider than its parent. */
export type RequestedLimits = {
  scopes: readonly string[];
  ipAllowlist: readonly string[];
  maxAgeSeconds: number | null;
  extendWhenUsed: boolean;
};

/** The token a request was made with: the parent of any token that request creates. */
export type ParentToken = Pick<Token, 'kind' | 'scopes' | 'ipAllowlist' | 'expiryTime'>;

const ACCESSES = ['read', 'write'] as const;

const listed = (items: readonly string[], empty: string) => (items.length === 0 ? empty : items.join(', '));

/**
 * True if every request the child's scopes permit, the parent's permit too, by the rule the gate
 * applies (scopesPermit): `area` covers `area`, `area:read` and `area:write`; `area:read` and
 * `area:write` only themselves; {`area:read`, `area:write`} together cover `area`. An empty list
 * is everything, so a scoped parent never has an unscoped child, even one whose scopes name every
 * area today: "everything" also takes in areas added later.
 */
export function scopesWithin(child: readonly string[], parent: readonly string[]): boolean {
  if (parent.length === 0) return true;
  if (child.length === 0) return false;
  return SCOPE_AREAS.every((area) =>
    ACCESSES.every((access) => !scopesPermit(child, { area, access }) || scopesPermit(parent, { area, access })),
  );
}

/**
 * True if every address the child admits, the parent admits: an empty list admits anywhere, so a
 * parent with a list needs the child to have one, each of whose ranges lies inside one of the
 * parent's (see Allowlist.coversRange).
 */
export function allowlistWithin(child: readonly string[], parent: readonly string[]): boolean {
  if (parent.length === 0) return true;
  if (child.length === 0) return false;
  const outer = allowlistOf(parent);
  return child.every((range) => outer.coversRange(range));
}

/**
 * Why the child would outlive its parent, or null. A parent without an expiry lets the child have
 * any. A parent with one (its current expiry: one that extends when used may slide later, but
 * nobody knows that it will be used) needs the child to end no later: a max age that ends by
 * then, and no extending when used, which would slide the child past it.
 */
function expiryRefusal(parent: ParentToken, requested: RequestedLimits, now: Date): string | null {
  if (parent.expiryTime === null) return null;
  const parentEnd = Date.parse(parent.expiryTime);
  const prefix = `This token's expiry (${parent.expiryTime}) does not allow creating a token`;
  if (requested.maxAgeSeconds === null) return `${prefix} without a max age`;
  const childEnd = now.getTime() + requested.maxAgeSeconds * 1000;
  if (childEnd > parentEnd) {
    const remaining = Math.max(0, Math.floor((parentEnd - now.getTime()) / 1000));
    return `${prefix} with max age ${requested.maxAgeSeconds} seconds (it would expire at ${new Date(childEnd).toISOString()}; at most ${remaining} seconds)`;
  }
  if (requested.extendWhenUsed) return `${prefix} that extends when used`;
  return null;
}

/** Every way the requested token would be wider than its parent, each as a sentence; empty if none. */
export function wideningRefusals(parent: ParentToken, requested: RequestedLimits, now: Date): string[] {
  if (parent.kind === 'session') return [];
  const refusals: string[] = [];
  if (!scopesWithin(requested.scopes, parent.scopes)) {
    refusals.push(
      `This token's scopes (${listed(parent.scopes, 'all')}) do not allow creating a token with scopes (${listed(requested.scopes, 'all')})`,
    );
  }
  if (!allowlistWithin(requested.ipAllowlist, parent.ipAllowlist)) {
    refusals.push(
      `This token's IP allowlist (${listed(parent.ipAllowlist, 'anywhere')}) does not allow creating a token with IP allowlist (${listed(requested.ipAllowlist, 'anywhere')})`,
    );
  }
  const expiry = expiryRefusal(parent, requested, now);
  if (expiry) refusals.push(expiry);
  return refusals;
}

/** Throws 403 naming each wider part unless the requested token is within its parent (see wideningRefusals). */
export function assertNotWider(parent: ParentToken, requested: RequestedLimits, now: Date): void {
  const refusals = wideningRefusals(parent, requested, now);
  if (refusals.length > 0) throw new AppError('forbidden', refusals.join('; '));
}
