import { expect } from 'vitest';
import { AppError } from '@/lib/errors';

/** The error of class `kind` a synchronous call throws; fails the test if it throws nothing or something else. */
export function thrownBy<E>(kind: abstract new (...args: never[]) => E, fn: () => unknown): E {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return error as E;
  }
  throw new Error(`expected a ${kind.name} to be thrown`);
}

/** The AppError a synchronous call throws; fails the test if it throws nothing or something else. */
export const rejection = (fn: () => unknown): AppError => thrownBy(AppError, fn);

/** The AppError an asynchronous call (or a promise) rejects with; fails the test otherwise. */
export async function asyncRejection(work: Promise<unknown> | (() => unknown)): Promise<AppError> {
  try {
    await (typeof work === 'function' ? work() : work);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}
