import { expect } from 'vitest';
import { AppError } from '@/lib/errors';

/** The error of class `kind` a call throws or rejects with; fails the test if it throws nothing or something else. */
export async function thrownBy<E>(kind: abstract new (...args: never[]) => E, fn: () => unknown): Promise<E> {
  try {
    await fn();
  } catch (error) {
    expect(error).toBeInstanceOf(kind);
    return error as E;
  }
  throw new Error(`expected a ${kind.name} to be thrown`);
}

/** The AppError a call throws or rejects with; fails the test if it throws nothing or something else. */
export const rejection = async (fn: () => unknown): Promise<AppError> => await thrownBy(AppError, fn);

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
