import { z } from 'zod';

/**
 * A required line of text as our inputs take it: trimmed, then neither empty nor longer than
 * `max`, each refusal in the field's own words. `empty` answers a blank value; `notText` a value
 * that is no string at all (a JSON client's mistake; by default the same words as `empty`);
 * `tooLong` one over `max` (by default "Use at most {max} characters"). Zod only: the browser's
 * forms load the schemas built with it.
 */
export function requiredText({
  empty,
  notText = empty,
  max,
  tooLong = `Use at most ${max} characters`,
}: {
  empty: string;
  notText?: string;
  max: number;
  tooLong?: string;
}) {
  return z.string({ error: notText }).trim().min(1, { error: empty }).max(max, { error: tooLong });
}
