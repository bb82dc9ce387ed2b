'use server';

import { cookies, headers } from 'next/headers';
import QRCode from 'qrcode';
import { consoleAction } from '@/app/_lib/action';
import { changePassword } from '@/lib/passwords/change';
import { changePasswordFormSchema } from '@/lib/passwords/schema';
import { beginTotpEnrollment, confirmTotpEnrollment, disableTwoFactor } from '@/lib/two-factor/enroll';
import { beginTotpSchema, confirmTotpSchema, disableTwoFactorSchema } from '@/lib/two-factor/schema';
import { unlinkIdentity } from '@/lib/sign-in/identities';
import { configuredOAuthProviders } from '@/lib/sign-in/oauth-config';
import { LINK_INTENT_COOKIE, LINK_INTENT_MAX_AGE_SECONDS, makeLinkIntent } from '@/lib/sign-in/oauth-link-intent';
import { linkProviderSchema, unlinkIdentitySchema } from '@/lib/sign-in/oauth-schema';
import { SESSION_COOKIE_NAMES, sessionTokenFromCookies } from '@/lib/auth/session';
import { AppError } from '@/lib/errors';
import { assertSameOriginPost } from '@/lib/http/same-origin';
import { smtpSettings } from '@/lib/mail/smtp';
import { isPublicUrlHttps, publicBaseUrl } from '@/lib/http/public-url';
import { requestEmailVerification } from '@/lib/users/verify-email';
import { requestEmailVerificationSchema } from '@/lib/users/verify-email-schema';

// Two-factor authentication is the user's own: every organization of the user governs these
// actions. Setting it up is what a session held back by a 2FA policy is allowed to do.
const enrollment = { ownResources: true, duringTwoFactorEnrollment: true };

export const beginTotpAction = consoleAction(
  beginTotpSchema,
  async (_input, call) => {
    const { secret, uri } = await beginTotpEnrollment(call);
    // Drawn here, not in the browser, so that the secret needs no third-party script there.
    const qrCode = await QRCode.toDataURL(uri, { errorCorrectionLevel: 'M', margin: 1, width: 192 });
    return { secret, qrCode };
  },
  enrollment,
);

export const confirmTotpAction = consoleAction(
  confirmTotpSchema,
  (input, call) => confirmTotpEnrollment({ ...call, input }),
  enrollment,
);

export const disableTwoFactorAction = consoleAction(
  disableTwoFactorSchema,
  (input, call) => disableTwoFactor({ ...call, input }),
  { ownResources: true },
);

// Linked sign-in methods: the user's own, so every organization of the user governs them.

/**
 * Starts linking a provider: leaves the short-lived intent cookie that tells the provider's
 * callback to attach the account to this session's user; the browser then goes to the provider.
 */
export const startLinkAction = consoleAction(
  linkProviderSchema,
  async ({ provider }) => {
    // Next checks a server action's Origin against the Host it was sent to; ours is explicit and
    // against our public URL, as for SAML links (lib/http/same-origin.ts): a link is started
    // only on a page of ours.
    assertSameOriginPost(await headers(), publicBaseUrl());
    if (!configuredOAuthProviders(process.env).includes(provider)) throw new AppError('bad_request', 'This provider is not configured on this server');
    const store = await cookies();
    const sessionToken = sessionTokenFromCookies((name) => store.get(name)?.value);
    if (!sessionToken) throw new AppError('unauthorized', 'Sign in again to link an account');
    store.set(LINK_INTENT_COOKIE, makeLinkIntent(process.env.NEXTAUTH_SECRET ?? '', { provider, sessionToken, now: new Date() }), {
      httpOnly: true,
      sameSite: 'lax',
      secure: isPublicUrlHttps(),
      path: '/api/auth',
      maxAge: LINK_INTENT_MAX_AGE_SECONDS,
    });
    return { provider };
  },
  { ownResources: true },
);

export const unlinkIdentityAction = consoleAction(
  unlinkIdentitySchema,
  async (input, call) => {
    const identity = await unlinkIdentity({ ...call, input });
    // Unlinking ends the sessions made through the provider: this one too, if it was one.
    const signedOut = call.principal.token.authMethod === identity.provider;
    if (signedOut) {
      const store = await cookies();
      for (const name of SESSION_COOKIE_NAMES) store.delete(name);
    }
    return { provider: identity.provider, signedOut };
  },
  { ownResources: true },
);

// "Verify your address": mails the account's own address a link (lib/users/verify-email.ts).
export const requestEmailVerificationAction = consoleAction(
  requestEmailVerificationSchema,
  async (input, call) => {
    // It sends a mail on the user's behalf: only from a page of ours.
    assertSameOriginPost(await headers(), publicBaseUrl());
    return await requestEmailVerification({ ...call, input, baseUrl: publicBaseUrl(), smtp: smtpSettings() });
  },
  { ownResources: true },
);

// Change password (lib/passwords/change.ts): the console's session is a login session, the
// only kind that may change it. The form's field names differ from the API's: mapped here.
const FORM_FIELDS: Record<string, string> = { password: 'currentPassword', new_password: 'newPassword' };

export const changePasswordAction = consoleAction(
  changePasswordFormSchema,
  async ({ currentPassword, newPassword, revokeTokens }, call) => {
    // It changes how the account signs in: only from a page of ours.
    assertSameOriginPost(await headers(), publicBaseUrl());
    try {
      return await changePassword({
        ...call,
        input: { password: currentPassword === '' ? undefined : currentPassword, new_password: newPassword, revoke_tokens: revokeTokens },
      });
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      const fieldErrors = Object.fromEntries(Object.entries(error.fieldErrors).map(([key, messages]) => [FORM_FIELDS[key] ?? key, messages]));
      throw new AppError(error.code, error.message, fieldErrors);
    }
  },
  { ownResources: true },
);
