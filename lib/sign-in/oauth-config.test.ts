import { describe, expect, it } from 'vitest';
import { configuredOAuthProviders, oauthProvidersFromEnv, oauthSignUpMode } from './oauth-config';

describe('oauthProvidersFromEnv', () => {
  it('offers nothing without configuration', () => {
    expect(oauthProvidersFromEnv({})).toEqual([]);
  });

  it('reads each provider with its defaults', () => {
    const env = {
      GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 'gs',
      MICROSOFT_CLIENT_ID: 'm', MICROSOFT_CLIENT_SECRET: 'ms',
      GITHUB_CLIENT_ID: 'h', GITHUB_CLIENT_SECRET: 'hs',
    };
    expect(oauthProvidersFromEnv(env)).toEqual([
      { id: 'google', clientId: 'g', clientSecret: 'gs', issuer: 'https://accounts.google.com' },
      { id: 'microsoft', clientId: 'm', clientSecret: 'ms', issuer: 'https://login.microsoftonline.com/organizations/v2.0' },
      {
        id: 'github', clientId: 'h', clientSecret: 'hs',
        authorizationUrl: 'https://github.com/login/oauth/authorize',
        tokenUrl: 'https://github.com/login/oauth/access_token',
        apiUrl: 'https://api.github.com',
      },
    ]);
  });

  it.each([
    [{ MICROSOFT_TENANT_ID: 'contoso.onmicrosoft.com' }, 'https://login.microsoftonline.com/contoso.onmicrosoft.com/v2.0'],
    [{ MICROSOFT_TENANT_ID: 'x', MICROSOFT_ISSUER: 'http://127.0.0.1:9000/' }, 'http://127.0.0.1:9000'],
  ])('Microsoft issuer from %o', (extra, issuer) => {
    expect(oauthProvidersFromEnv({ MICROSOFT_CLIENT_ID: 'm', MICROSOFT_CLIENT_SECRET: 's', ...extra })[0]).toMatchObject({ issuer });
  });

  it('takes endpoint overrides (tests, GitHub Enterprise Server)', () => {
    const [github] = oauthProvidersFromEnv({
      GITHUB_CLIENT_ID: 'h', GITHUB_CLIENT_SECRET: 's',
      GITHUB_AUTHORIZATION_URL: 'https://ghe.example.test/login/oauth/authorize',
      GITHUB_TOKEN_URL: 'https://ghe.example.test/login/oauth/access_token',
      GITHUB_API_URL: 'https://ghe.example.test/api/v3/',
    });
    expect(github).toMatchObject({ apiUrl: 'https://ghe.example.test/api/v3', tokenUrl: 'https://ghe.example.test/login/oauth/access_token' });
  });

  it.each([
    [{ GOOGLE_CLIENT_ID: 'g' }, 'GOOGLE_CLIENT_ID and GOOGLE_CLIENT_SECRET must be set together'],
    [{ GITHUB_CLIENT_SECRET: 's' }, 'GITHUB_CLIENT_ID and GITHUB_CLIENT_SECRET must be set together'],
    [{ GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's', GOOGLE_ISSUER: 'accounts.google.com' }, 'GOOGLE_ISSUER'],
    [{ GOOGLE_CLIENT_ID: 'g', GOOGLE_CLIENT_SECRET: 's', GOOGLE_ISSUER: 'ftp://x.test' }, 'GOOGLE_ISSUER must be an http or https URL'],
    [{ MICROSOFT_CLIENT_ID: 'm', MICROSOFT_CLIENT_SECRET: 's', MICROSOFT_TENANT_ID: 'a/b' }, 'MICROSOFT_TENANT_ID'],
  ])('refuses a broken configuration %o', (env, message) => {
    expect(() => oauthProvidersFromEnv(env)).toThrow(message);
    expect(configuredOAuthProviders(env)).toEqual([]);
  });
});

describe('oauthSignUpMode', () => {
  it.each([
    [undefined, 'invited'],
    ['', 'invited'],
    ['open', 'open'],
    [' OPEN ', 'open'],
    ['yes', 'invited'],
  ])('OAUTH_SIGN_UP=%s → %s', (value, mode) => {
    expect(oauthSignUpMode({ OAUTH_SIGN_UP: value })).toBe(mode);
  });
});
