import { createHmac, timingSafeEqual } from 'node:crypto';
import { OAUTH_PROVIDER_LABELS, isOAuthProvider } from './oauth-config';

// Failures of a third-party sign-in before we ever see an identity: the person denied consent,
// the callback's state did not match, the ID token came from another issuer, the code was
// expired or reused, the provider could not be reached. next-auth reports all of them as one
// "OAuthCallback" code and logs the cause; we sort the cause into our own reasons, so the
// audit log and the sign-in page can say what happened.

export const OAUTH_FAILURE_REASONS = [
  'access_denied',
  'bad_state',
  'wrong_issuer',
  'invalid_code',
  'provider_unreachable',
  'provider_error',
] as const;
export type OAuthFailureReason = (typeof OAUTH_FAILURE_REASONS)[number];

/** One entry of next-auth's logger.error(code, metadata). */
export type LoggedAuthError = { code: string; metadata: unknown };

function describe(value: unknown, depth = 0): string[] {
  if (depth > 3 || value === null || value === undefined) return [];
  if (typeof value === 'string') return [value];
  if (value instanceof Error) {
    const own = value as Error & { error?: unknown; error_description?: unknown; code?: unknown; cause?: unknown };
    return [
      value.name,
      value.message,
      ...[own.error, own.error_description, own.code].filter((v): v is string => typeof v === 'string'),
      ...describe(own.cause, depth + 1),
    ];
  }
  if (typeof value === 'object') return Object.values(value as Record<string, unknown>).flatMap((v) => describe(v, depth + 1));
  return [];
}

/** The text of everything next-auth logged for one request, for matching and for the audit log. */
export function loggedErrorText(logged: readonly LoggedAuthError[]): string {
  return logged
    .flatMap((entry) => [entry.code, ...describe(entry.metadata)])
    .join(' | ')
    .slice(0, 1000);
}

/** Sorts what next-auth logged into one of our reasons (provider_error when nothing fits). */
export function classifyOAuthFailure(logged: readonly LoggedAuthError[]): OAuthFailureReason {
  const text = loggedErrorText(logged).toLowerCase();
  // The provider's own error codes come first: they are the most specific.
  if (/\baccess_denied\b/.test(text)) return 'access_denied';
  if (/state mismatch|state cookie was missing|state missing from the response|code_verifier cookie was missing|checks\.state/.test(text)) {
    return 'bad_state';
  }
  if (/unexpected iss|issuer mismatch|\biss\b.*expected/.test(text)) return 'wrong_issuer';
  if (/invalid_grant|bad_verification_code|incorrect or expired|code.*(expired|invalid)/.test(text)) return 'invalid_code';
  if (/econnrefused|enotfound|etimedout|econnreset|fetch failed|socket hang up|outgoing request timed out/.test(text)) {
    return 'provider_unreachable';
  }
  return 'provider_error';
}

const providerLabel = (provider: string | null | undefined) =>
  provider && isOAuthProvider(provider) ? OAUTH_PROVIDER_LABELS[provider] : 'the provider';

/** What the sign-in page says for one of our reasons. */
export function oauthFailureMessage(reason: string, provider: string | null | undefined): string {
  const name = providerLabel(provider);
  switch (reason) {
    case 'access_denied':
      return `You did not allow Portcullis to use your ${name === 'the provider' ? 'account' : `${name} account`}, so you are not signed in. To sign in with ${name}, try again and allow access.`;
    case 'bad_state':
      return `The answer from ${name} did not belong to a sign-in started here (the state check failed, perhaps an old or repeated link). Start the sign-in again from this page.`;
    case 'wrong_issuer':
      return `The answer came from an issuer other than the ${name} this console trusts, so it was refused. Tell your administrator.`;
    case 'invalid_code':
      return `The sign-in code from ${name} had expired or was already used. Start the sign-in again.`;
    case 'provider_unreachable':
      return `${name === 'the provider' ? 'The provider' : name} could not be reached. Try again in a moment, or sign in another way.`;
    default:
      return `${name === 'the provider' ? 'The provider' : name} reported an error during sign-in. Try again, or sign in another way.`;
  }
}

/** next-auth's own error codes (its error page's `?error=`), in our words. */
export function nextAuthErrorMessage(code: string, provider?: string | null): string {
  switch (code) {
    case 'OAuthSignin':
      return `Sign-in with ${providerLabel(provider)} could not start: the provider could not be reached or is misconfigured.`;
    case 'OAuthCallback':
    case 'Callback':
      return oauthFailureMessage('provider_error', provider);
    case 'AccessDenied':
      return 'Sign-in was refused.';
    case 'OAuthAccountNotLinked':
    case 'OAuthCreateAccount':
      return 'This account could not be linked or created.';
    case 'SessionRequired':
      return 'Sign in to continue.';
    case 'Configuration':
      return 'Sign-in is not configured correctly on this server. Tell your administrator.';
    case 'CredentialsSignin':
      return 'Sign-in failed. Try again.';
    default:
      return 'Sign-in failed. Try again.';
  }
}

// A refusal names an organization and its allowed methods, so it cannot be one of a fixed set
// of codes. It travels in the redirect to /signin, sealed with the server's secret so that a
// link made elsewhere cannot put words of its choosing on our sign-in page.

const mac = (secret: string, text: string) => createHmac('sha256', secret).update(`oauth-message:${text}`).digest('base64url');

export function sealMessage(secret: string, text: string): string {
  return `${Buffer.from(text, 'utf8').toString('base64url')}.${mac(secret, text)}`;
}

/** The sealed text, or null when it was not sealed with this secret. */
export function unsealMessage(secret: string, sealed: string | null | undefined): string | null {
  if (!sealed) return null;
  const dot = sealed.lastIndexOf('.');
  if (dot < 1) return null;
  const text = Buffer.from(sealed.slice(0, dot), 'base64url').toString('utf8');
  const given = Buffer.from(sealed.slice(dot + 1));
  const expected = Buffer.from(mac(secret, text));
  return given.length === expected.length && timingSafeEqual(given, expected) ? text : null;
}

/**
 * The sentence /signin shows for its `?error=` (with `provider` and, for a refusal, the sealed
 * `message`): our own `oauth_<reason>` codes, a sealed refusal, or next-auth's codes.
 */
export function signInPageError(params: { error?: string; provider?: string; message?: string }, secret: string): string | null {
  const { error, provider } = params;
  if (!error) return null;
  if (error === 'OAuthRefused') {
    return unsealMessage(secret, params.message) ?? `Sign-in with ${providerLabel(provider)} was refused.`;
  }
  if (error.startsWith('oauth_')) {
    const reason = error.slice('oauth_'.length);
    return oauthFailureMessage((OAUTH_FAILURE_REASONS as readonly string[]).includes(reason) ? reason : 'provider_error', provider);
  }
  return nextAuthErrorMessage(error, provider);
}
