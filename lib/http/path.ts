import { AppError } from '@/lib/errors';

/**
 * Decodes one percent-encoded path segment, once. Token prefixes may hold "/", "+" and "=",
 * which clients send as %2F, %2B and %3D: routes match on the raw path and decode afterwards.
 */
export function decodePathSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw new AppError('bad_request', `Malformed percent-encoding in path segment "${segment}"`);
  }
}

/**
 * The decoded path segment at `index` (negative counts from the end) of a request's raw path.
 * Read from the raw URL rather than the framework's params so that an encoded "/" (%2F) in a
 * token prefix is decoded exactly once and never splits the path.
 */
export function pathSegment(request: Request, index: number): string {
  const segments = new URL(request.url).pathname.split('/');
  const raw = segments.at(index < 0 ? index : index + 1);
  if (raw === undefined || raw === '') throw new AppError('not_found', 'No such API route');
  return decodePathSegment(raw);
}
