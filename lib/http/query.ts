/**
 * A request's query parameters as a plain object for a zod schema. A repeated parameter keeps
 * its last value; unknown ones are left for the schema to ignore.
 */
export function queryOf(request: Request): Record<string, string> {
  return Object.fromEntries(new URL(request.url).searchParams);
}
