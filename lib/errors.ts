import { z } from 'zod';

// One error type for the whole domain layer. lib/ throws it; each surface (the /v1 API,
// server actions, the sign-in flow) renders it in its own way through one function each.

export const errorStatus = {
  bad_request: 400,
  unauthorized: 401,
  forbidden: 403,
  // A password session of a user who must set up two-factor authentication first.
  two_factor_enrollment_required: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  gone: 410,
  payload_too_large: 413,
  rate_limited: 429,
  internal: 500,
  // The password was right; a two-factor code is needed. avn user login reads a code on 510
  // and repeats the request with "otp" (see shared/reference/aiven-api.md).
  otp_required: 510,
} as const;

export type ErrorCode = keyof typeof errorStatus;

export type FieldErrors = Record<string, string[]>;

export class AppError extends Error {
  readonly code: ErrorCode;
  readonly fieldErrors: FieldErrors;

  constructor(code: ErrorCode, message: string, fieldErrors: FieldErrors = {}) {
    super(message);
    this.name = 'AppError';
    this.code = code;
    this.fieldErrors = fieldErrors;
  }

  get status(): number {
    return errorStatus[this.code];
  }
}

/** Per-field messages from a zod error, keyed by dotted path ("" for the whole input). */
export function zodFieldErrors(error: z.ZodError): FieldErrors {
  const out: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.join('.');
    (out[key] ??= []).push(issue.message);
  }
  return out;
}

/** One readable sentence for a zod error: "email: Invalid email; password: Too short". */
export function zodMessage(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

/** Parses input with a schema, throwing a 400 AppError that carries the per-field messages. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (!result.success) {
    throw new AppError('bad_request', zodMessage(result.error), zodFieldErrors(result.error));
  }
  return result.data;
}

/** Turns anything thrown into an AppError; unknown errors become a generic 500 and are logged. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppError) return error;
  if (error instanceof z.ZodError) return new AppError('bad_request', zodMessage(error), zodFieldErrors(error));
  console.error('Unexpected error', error);
  return new AppError('internal', 'Something went wrong on our side. The error has been logged.');
}

const ERROR_CODES = Object.keys(errorStatus) as [ErrorCode, ...ErrorCode[]];

/** The API's error body (the Aiven API's): the OpenAPI document describes every error with it. */
export const apiErrorBodySchema = z
  .object({
    message: z.string().meta({ description: 'What went wrong, in one sentence: what clients show.' }),
    errors: z
      .array(z.object({ error_code: z.enum(ERROR_CODES), message: z.string(), status: z.number().int() }))
      .meta({ description: 'The details: one item per field message for invalid input.' }),
  })
  .meta({ id: 'Error', description: 'The error body of every /v1 error response.' });
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

/** The error body of the Aiven API: clients read `message`; `errors` carries the details. */
export function apiErrorBody(error: AppError): ApiErrorBody {
  const fieldEntries = Object.entries(error.fieldErrors);
  const errors =
    fieldEntries.length > 0
      ? fieldEntries.flatMap(([field, messages]) =>
          messages.map((m) => ({ error_code: error.code, message: field ? `${field}: ${m}` : m, status: error.status })),
        )
      : [{ error_code: error.code, message: error.message, status: error.status }];
  return { message: error.message, errors };
}
