import { z } from 'zod';

// Only zod here: the browser imports these schemas for its forms.

export const oauthProviderSchema = z.enum(['google', 'microsoft', 'github'], { error: 'Choose Google, Microsoft or GitHub' });

/**
 * What a provider told us about the person, after next-auth checked the protocol (state, PKCE,
 * the ID token's signature and issuer). `emailVerified` is the provider's own claim:
 * Google's `email_verified`; Microsoft's `xms_edov` (or `email_verified`); for GitHub, whether
 * the address is the primary one that /user/emails marks verified.
 */
export const oauthIdentitySchema = z.object({
  provider: oauthProviderSchema,
  subject: z.string().trim().min(1, { error: 'The provider sent no account id' }).max(255),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.email().max(254))
    .nullable()
    .catch(null),
  emailVerified: z.boolean(),
  name: z.string().trim().max(200).catch(''),
});
export type OAuthIdentityInput = z.input<typeof oauthIdentitySchema>;

/** Profile → Authentication: start linking a provider to the signed-in account. */
export const linkProviderSchema = z.object({ provider: oauthProviderSchema });

/** Profile → Authentication: unlink one external identity of the signed-in account. */
export const unlinkIdentitySchema = z.object({ identityId: z.string().min(1).max(64) });
