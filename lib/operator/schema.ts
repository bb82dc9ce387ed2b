import { z } from 'zod';
import { requiredText } from '@/lib/forms/required-text';

// The operator's command inputs (npm run admin, scripts/admin.ts): who and which organization.
// Only zod here, like the other schema files.

/** A user, by email address or user id ("u" and 11 hex digits). */
export const userRefSchema = requiredText({
  empty: 'Name the user by email address or user id',
  max: 254,
  tooLong: 'A user is named by an email address (at most 254 characters) or a user id',
});

/** An organization, by organization id, account id or name. */
export const organizationRefSchema = requiredText({
  empty: 'Name the organization by id or name',
  max: 256,
  tooLong: 'An organization is named by its id or its name (at most 256 characters)',
});

export const userInputSchema = z.object({ user: userRefSchema });
export type UserInput = z.input<typeof userInputSchema>;

export const organizationInputSchema = z.object({ organization: organizationRefSchema });
export type OrganizationInput = z.input<typeof organizationInputSchema>;

export const superAdminInputSchema = z.object({ user: userRefSchema, organization: organizationRefSchema });
export type SuperAdminInput = z.input<typeof superAdminInputSchema>;

/** Where copy-to-postgres copies to: a postgres:// or postgresql:// URL. Never echoed: it may hold a password. */
export const copyInputSchema = z.object({
  'postgres-url': z.string().refine((value) => /^postgres(ql)?:\/\/[^\s]+$/.test(value) && URL.canParse(value), {
    message: 'Name the PostgreSQL database as a URL: postgres://user:password@host:5432/database',
  }),
});
export type CopyInput = z.input<typeof copyInputSchema>;
