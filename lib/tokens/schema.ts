import { z } from 'zod';
import { requiredText } from '@/lib/forms/required-text';
import { ipAllowlistSchema } from '@/lib/net/schema';
import { SCOPES } from './scopes';

// The inputs of personal tokens, shared by the Generate token form, its server action and
// POST/PUT /v1/access_token. Keys are the wire's snake_case. Objects are strict: a misspelt key
// ("max_age") is an error rather than silently ignored.

export const MIN_MAX_AGE_SECONDS = 600;
export const MAX_MAX_AGE_SECONDS = 315_360_000; // ten years

export const descriptionSchema = requiredText({ notText: 'description must be a string', empty: 'Enter a description', max: 1000 });

export const maxAgeSecondsSchema = z
  .number({ error: 'max_age_seconds must be a number of seconds or null' })
  .int({ error: 'max_age_seconds must be a whole number of seconds' })
  .min(MIN_MAX_AGE_SECONDS, { error: `The shortest max age is ${MIN_MAX_AGE_SECONDS} seconds (10 minutes)` })
  .max(MAX_MAX_AGE_SECONDS, { error: `The longest max age is ${MAX_MAX_AGE_SECONDS} seconds (10 years)` })
  .nullable();

export const scopesSchema = z
  .array(z.enum(SCOPES as [string, ...string[]], { error: `Unknown scope; use one of ${SCOPES.join(', ')}` }))
  .max(100, { error: 'At most 100 scopes' });

export const createTokenSchema = z
  .strictObject({
    description: descriptionSchema,
    max_age_seconds: maxAgeSecondsSchema.default(null),
    extend_when_used: z.boolean({ error: 'extend_when_used must be true or false' }).default(false),
    ip_allowlist: ipAllowlistSchema.default([]),
    scopes: scopesSchema.default([]),
  })
  .refine((token) => !(token.extend_when_used && token.max_age_seconds === null), {
    error: 'Extending when used needs a max age',
    path: ['extend_when_used'],
  });
export type CreateTokenInput = z.input<typeof createTokenSchema>;
export type ParsedCreateToken = z.output<typeof createTokenSchema>;

export const updateTokenSchema = z.strictObject({ description: descriptionSchema });
export type UpdateTokenInput = z.input<typeof updateTokenSchema>;
