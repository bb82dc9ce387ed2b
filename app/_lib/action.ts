import 'server-only';
import type { z } from 'zod';
import { twoFactorEnrollmentError } from '@/lib/two-factor/status';
import { toAppError, zodFieldErrors, type FieldErrors } from '@/lib/errors';
import { requireConsole, type ConsoleSession } from './session';

/** What every server action returns to its form: data, or a message and per-field errors. */
export type ActionResult<T = undefined> =
  | { ok: true; data: T }
  | { ok: false; message: string; fieldErrors: FieldErrors };

function failure(error: unknown): ActionResult<never> {
  const appError = toAppError(error);
  // Unknown errors were logged by toAppError; the form gets its generic message only.
  return { ok: false, message: appError.message, fieldErrors: appError.fieldErrors };
}

/** A server action anyone may call (first-run setup): parse, run, map errors to form state. */
export function publicAction<S extends z.ZodType, T>(schema: S, run: (input: z.output<S>) => Promise<T>) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> => {
    const parsed = schema.safeParse(raw);
    if (!parsed.success) return { ok: false, message: 'Check the highlighted fields', fieldErrors: zodFieldErrors(parsed.error) };
    try {
      return { ok: true, data: await run(parsed.data) };
    } catch (error) {
      return failure(error);
    }
  };
}

/**
 * A server action of a signed-in console user: the gate runs again, then as publicAction. A
 * session that must set up two-factor authentication first is refused, except by the actions
 * that say `duringTwoFactorEnrollment` (enrolling, signing out).
 */
export function consoleAction<S extends z.ZodType, T>(
  schema: S,
  run: (input: z.output<S>, session: ConsoleSession) => Promise<T>,
  { ownResources = false, duringTwoFactorEnrollment = false }: { ownResources?: boolean; duringTwoFactorEnrollment?: boolean } = {},
) {
  return async (raw: z.input<S>): Promise<ActionResult<T>> => {
    const session = await requireConsole(ownResources, true);
    if (session.pendingTwoFactor && !duringTwoFactorEnrollment) {
      return failure(twoFactorEnrollmentError(session.pendingTwoFactor, 'console'));
    }
    return publicAction(schema, (input) => run(input, session))(raw);
  };
}
