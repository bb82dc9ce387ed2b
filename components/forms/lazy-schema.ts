'use client';

import type { z } from 'zod';
import { fieldErrorsOf, type Validator } from '@/lib/forms/form-control';

/**
 * A form's check with its shared zod schema (the one its server action and the API parse with),
 * loaded after the page instead of with it. zod is the largest library a form page uses (about
 * 35 kB compressed); a page renders and becomes interactive without it, so it comes in its own
 * chunk, fetched as soon as the form first renders in the browser. A submit before it arrives
 * waits for it.
 *
 * `load` must be a function around a dynamic import, so that the bundler splits the schema
 * module (and zod) off: `lazySchema(() => import('@/lib/x/schema').then((m) => m.xSchema))`.
 */
export function lazySchema<Input, Output>(load: () => Promise<z.ZodType<Output, Input>>): Validator<Input, Output> {
  let schema: z.ZodType<Output, Input> | null = null;
  let pending: Promise<z.ZodType<Output, Input>> | null = null;
  const ready = () =>
    (pending ??= load().then(
      (loaded) => (schema = loaded),
      (error: unknown) => {
        pending = null; // a failed fetch is tried again on the next check
        throw error;
      },
    ));
  // Start fetching at once: by the time someone submits, it is there.
  if (typeof window !== 'undefined') void ready().catch(() => undefined);
  return async (values) => {
    const result = await (schema ?? (await ready())).safeParseAsync(values);
    return result.success ? { ok: true, values: result.data } : { ok: false, errors: fieldErrorsOf(result.error.issues) };
  };
}
