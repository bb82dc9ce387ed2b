import { AppError } from '@/lib/errors';

/**
 * Decodes one percent-encoded path segment, once. Token prefixes may hold "/", "+" and "=",
 * which clients send as %2F, %2B and %3D: routes match on the raw path and decode afterwards
 * (lib/http/routes.ts), so an encoded "/" never splits the path and is decoded exactly once.
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('bad_request', `Malformed percent-encoding in path segment "${segment}"`);
  }
}

