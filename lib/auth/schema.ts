import { z } from 'zod';

// Only zod here: the browser imports these schemas for its forms.

export const emailSchema = z
  .string({ error: 'Enter an email address' })
  .trim()
  .toLowerCase()
  .pipe(z.email({ error: 'Enter a valid email address' }).max(254, { error: 'Email address is too long' }));

/** A new password: long enough to resist guessing, bounded so hashing stays cheap to refuse. */
export const newPasswordSchema = z
  .string({ error: 'Enter a password' })
  .min(12, { error: 'Use at least 12 characters' })
  .max(256, { error: 'Use at most 256 characters' });
