import { describe, expect, it } from 'vitest';
import { classifyOAuthFailure, sealMessage, signInPageError, unsealMessage } from './oauth-failure';
import { makeLinkIntent, readLinkIntent } from './oauth-link-intent';

class RPError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RPError';
  }
}
class OPError extends Error {
  error: string;
  constructor(error: string, description: string) {
    super(`${error} (${description})`);
    this.name = 'OPError';
    this.error = error;
  }
}

describe('classifyOAuthFailure', () => {
  it.each([
    ['denied consent', [{ code: 'OAUTH_CALLBACK_HANDLER_ERROR', metadata: { error: new Error('access_denied'), error_description: 'End-User aborted interaction', providerId: 'google' } }], 'access_denied'],
    ['state mismatch', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new RPError('state mismatch, expected abc, got: xyz'), providerId: 'google' } }], 'bad_state'],
    ['state cookie missing', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new TypeError('State cookie was missing.') } }], 'bad_state'],
    ['pkce cookie missing', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new TypeError('PKCE code_verifier cookie was missing.') } }], 'bad_state'],
    ['wrong issuer', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new RPError('unexpected iss value, expected https://a.test, got: https://b.test') } }], 'wrong_issuer'],
    ['expired code', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new OPError('invalid_grant', 'grant request is invalid') } }], 'invalid_code'],
    ['GitHub bad code', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new Error('bad_verification_code: The code passed is incorrect or expired.') } }], 'invalid_code'],
    ['unreachable', [{ code: 'SIGNIN_OAUTH_ERROR', metadata: { error: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }) } }], 'provider_unreachable'],
    ['anything else', [{ code: 'OAUTH_CALLBACK_ERROR', metadata: { error: new Error('something odd') } }], 'provider_error'],
    ['nothing logged', [], 'provider_error'],
  ] as const)('%s', (_name, logged, reason) => {
    expect(classifyOAuthFailure(logged)).toBe(reason);
  });
});

describe('signInPageError', () => {
  const secret = 'test-secret';
  it.each([
    [{}, null],
    [{ error: 'oauth_access_denied', provider: 'github' }, 'You did not allow Portcullis to use your GitHub account'],
    [{ error: 'oauth_bad_state', provider: 'google' }, 'the state check failed'],
    [{ error: 'oauth_wrong_issuer', provider: 'microsoft' }, 'an issuer other than the Microsoft'],
    [{ error: 'oauth_invalid_code', provider: 'google' }, 'had expired or was already used'],
    [{ error: 'oauth_nonsense', provider: 'google' }, 'Google reported an error'],
    [{ error: 'OAuthSignin', provider: 'google' }, 'could not start'],
    [{ error: 'OAuthRefused', provider: 'google', message: sealMessage(secret, 'Organization "A" does not allow sign-in with Google.') }, 'Organization "A" does not allow sign-in with Google.'],
    // A message sealed with another secret, or tampered with, is not shown.
    [{ error: 'OAuthRefused', provider: 'google', message: sealMessage('other', 'Call 555-0100 to unlock') }, 'Sign-in with Google was refused.'],
    [{ error: 'OAuthRefused', provider: 'google', message: 'Q2FsbA.abc' }, 'Sign-in with Google was refused.'],
  ])('%o', (params, expected) => {
    const message = signInPageError(params, secret);
    if (expected === null) expect(message).toBeNull();
    else expect(message).toContain(expected);
  });

  it('round-trips sealed text', () => {
    expect(unsealMessage('s', sealMessage('s', 'Grüße, "quotes" & <tags>'))).toBe('Grüße, "quotes" & <tags>');
    expect(unsealMessage('s', undefined)).toBeNull();
  });
});

describe('link intent', () => {
  const now = new Date('2026-03-01T12:00:00Z');
  const intent = makeLinkIntent('k', { provider: 'github', sessionToken: 'pcls_a', now });
  it.each([
    ['same session, provider and time', { provider: 'github', sessionToken: 'pcls_a', now }, 'github'],
    ['another session', { provider: 'github', sessionToken: 'pcls_b', now }, null],
    ['no session', { provider: 'github', sessionToken: null, now }, null],
    ['another provider', { provider: 'google', sessionToken: 'pcls_a', now }, null],
    ['after ten minutes', { provider: 'github', sessionToken: 'pcls_a', now: new Date(now.getTime() + 600_000) }, null],
  ])('%s', (_name, input, expected) => {
    expect(readLinkIntent('k', intent, input)).toBe(expected);
  });
  it('refuses another secret and a tampered value', () => {
    expect(readLinkIntent('other', intent, { provider: 'github', sessionToken: 'pcls_a', now })).toBeNull();
    expect(readLinkIntent('k', intent.replace('github', 'google'), { provider: 'google', sessionToken: 'pcls_a', now })).toBeNull();
    expect(readLinkIntent('k', 'garbage', { provider: 'github', sessionToken: 'pcls_a', now })).toBeNull();
  });
  it('answers null, never throws, for a MAC of another length', () => {
    const input = { provider: 'github', sessionToken: 'pcls_a', now };
    expect(readLinkIntent('k', intent.slice(0, -1), input)).toBeNull();
    expect(readLinkIntent('k', `${intent}A`, input)).toBeNull();
  });
});
