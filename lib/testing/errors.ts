import { expect } from 'vitest';
import { AppError } from '@/lib/errors';

/** The AppError a synchronous call throws; fails the test if it throws nothing or something else. */
export function rejection(fn: () => unknown): AppError {
  try {
    fn();
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected an AppError');
}

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
