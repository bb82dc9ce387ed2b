'use client';

import type { FieldValues, Resolver } from 'react-hook-form';
import type { z } from 'zod';

/**
 * A react-hook-form resolver for a form's shared zod schema, loaded after the page instead of
 * with it. zod is the largest library a form page carries (about 35 kB compressed); a page
 * renders and becomes interactive without it, so it comes in its own chunk, fetched as soon as
 * the form's module runs. A submit before it arrives waits for it; a failed fetch is tried again
 * on the next check. The rules are still the one schema that the server action and the API
 * parse with.
 *
 * `load` must be a function around a dynamic import, so that the bundler splits the schema
 * module (and zod) off: `lazyZodResolver(() => import('@/lib/x/schema').then((m) => m.xSchema))`.
 */
export function lazyZodResolver<Input extends FieldValues, Output>(
  load: () => Promise<z.ZodType<Output, Input>>,
): Resolver<Input, unknown, Output> {
  let resolver: Resolver<Input, unknown, Output> | null = null;
  let pending: Promise<Resolver<Input, unknown, Output>> | null = null;
  const ready = () =>
    (pending ??= Promise.all([import('@hookform/resolvers/zod'), load()]).then(
      ([{ zodResolver }, schema]) => {
        resolver = zodResolver(schema) as unknown as Resolver<Input, unknown, Output>;
        return resolver;
      },
      (error: unknown) => {
        pending = null;
        throw error;
      },
    ));
  // Start fetching at once: by the time someone submits, it is there.
  if (typeof window !== 'undefined') void ready().catch(() => undefined);
  return async (values, context, options) => (resolver ?? (await ready()))(values, context, options);
}
