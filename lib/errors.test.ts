import { afterEach, describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { apiErrorBody, AppError, errorStatus, parseInput, toAppError, zodFieldErrors, zodMessage, type ErrorCode } from './errors';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('AppError', () => {
  it.each([
    ['bad_request', 400],
    ['unauthorized', 401],
    ['forbidden', 403],
    ['two_factor_enrollment_required', 403],
    ['not_found', 404],
    ['method_not_allowed', 405],
    ['conflict', 409],
    ['rate_limited', 429],
    ['internal', 500],
    // avn user login asks for a two-factor code on 510, and only on 510.
    ['otp_required', 510],
  ] as [ErrorCode, number][])('%s is %i', (code, status) => {
    const error = new AppError(code, 'msg');
    expect(error.status).toBe(status);
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe('AppError');
    expect(error.message).toBe('msg');
    expect(error.fieldErrors).toEqual({});
  });

  it('every code maps to an HTTP error status', () => {
    for (const status of Object.values(errorStatus)) expect(status >= 400 && status <= 599).toBe(true);
  });
});

const schema = z.object({
  name: z.string().trim().min(1, { error: 'Required' }),
  address: z.object({ city: z.string({ error: 'Enter a city' }) }),
  tags: z.array(z.string({ error: 'Not text' })).optional(),
});

describe('parseInput', () => {
  it('returns the parsed (transformed) value', () => {
    expect(parseInput(schema, { name: '  Ada ', address: { city: 'Turku' }, extra: 1 })).toEqual({
      name: 'Ada',
      address: { city: 'Turku' },
    });
  });

  it.each([
    [
      'a missing nested field and an empty name',
      { name: ' ', address: {} },
      { name: ['Required'], 'address.city': ['Enter a city'] },
      'name: Required; address.city: Enter a city',
    ],
    ['an array element', { name: 'a', address: { city: 'c' }, tags: ['ok', 3] }, { 'tags.1': ['Not text'] }, 'tags.1: Not text'],
  ])('400 with per-field errors for %s', (_name, input, fieldErrors, message) => {
    let error: unknown;
    try {
      parseInput(schema, input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).status).toBe(400);
    expect((error as AppError).fieldErrors).toEqual(fieldErrors);
    expect((error as AppError).message).toBe(message);
  });

  it.each([null, undefined, 'text', 42, []])('keys a whole-input failure (%j) by ""', (input) => {
    try {
      parseInput(schema, input);
      expect.unreachable();
    } catch (error) {
      expect((error as AppError).code).toBe('bad_request');
      expect(Object.keys((error as AppError).fieldErrors)).toEqual(['']);
    }
  });

  it('collects several messages for one field', () => {
    const twoRules = z.object({ pw: z.string().min(12, { error: 'Too short' }).regex(/\d/, { error: 'Needs a digit' }) });
    const result = twoRules.safeParse({ pw: 'abc' });
    expect(result.success).toBe(false);
    expect(zodFieldErrors(result.error!)).toEqual({ pw: ['Too short', 'Needs a digit'] });
    expect(zodMessage(result.error!)).toBe('pw: Too short; pw: Needs a digit');
  });
});

describe('toAppError', () => {
  it('passes an AppError through as it is', () => {
    const original = new AppError('forbidden', 'no');
    expect(toAppError(original)).toBe(original);
  });

  it('turns a ZodError into a 400 with field errors', () => {
    const result = schema.safeParse({ name: 'a', address: { city: 5 } });
    const error = toAppError(result.error);
    expect(error.status).toBe(400);
    expect(error.fieldErrors).toEqual({ 'address.city': ['Enter a city'] });
  });

  it.each([new Error('SQLITE_CONSTRAINT: secret detail'), new TypeError('x is undefined'), 'a string', null, undefined, { message: 'obj' }])(
    'turns %j into a generic, logged 500 that leaks nothing',
    (thrown) => {
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      const error = toAppError(thrown);
      expect(error.status).toBe(500);
      expect(error.code).toBe('internal');
      expect(error.message).toBe('Something went wrong on our side. The error has been logged.');
      expect(error.message).not.toContain('secret');
      expect(log).toHaveBeenCalledWith('Unexpected error', thrown);
    },
  );
});

describe('apiErrorBody', () => {
  it('is one error for an error without field errors', () => {
    expect(apiErrorBody(new AppError('not_found', 'Organization x not found'))).toEqual({
      message: 'Organization x not found',
      errors: [{ error_code: 'not_found', message: 'Organization x not found', status: 404 }],
    });
  });

  it('is one error per field message, named by field', () => {
    const error = new AppError('bad_request', 'email: Bad; password: Short; password: No digit', {
      email: ['Bad'],
      password: ['Short', 'No digit'],
    });
    expect(apiErrorBody(error)).toEqual({
      message: 'email: Bad; password: Short; password: No digit',
      errors: [
        { error_code: 'bad_request', message: 'email: Bad', status: 400 },
        { error_code: 'bad_request', message: 'password: Short', status: 400 },
        { error_code: 'bad_request', message: 'password: No digit', status: 400 },
      ],
    });
  });

  it('leaves the whole-input message unprefixed', () => {
    const body = apiErrorBody(new AppError('bad_request', 'Expected object', { '': ['Expected object'] }));
    expect(body.errors).toEqual([{ error_code: 'bad_request', message: 'Expected object', status: 400 }]);
  });

  it('renders a parseInput failure end to end', () => {
    let body;
    try {
      parseInput(schema, { name: '', address: { city: 'c' } });
    } catch (error) {
      body = apiErrorBody(toAppError(error));
    }
    expect(body).toEqual({
      message: 'name: Required',
      errors: [{ error_code: 'bad_request', message: 'name: Required', status: 400 }],
    });
  });

  it('has exactly the keys of the Aiven error body', () => {
    const body = apiErrorBody(new AppError('rate_limited', 'slow down'));
    expect(Object.keys(body).sort()).toEqual(['errors', 'message']);
    expect(Object.keys(body.errors[0]!).sort()).toEqual(['error_code', 'message', 'status']);
    expect(body.errors[0]!.status).toBe(429);
  });
});
