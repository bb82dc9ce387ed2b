import { describe, expect, it } from 'vitest';
import { githubIdentity, oidcIdentity } from './oauth-profile';

describe('oidcIdentity', () => {
  it.each([
    ['google', { sub: '1', email: 'A@x.test', email_verified: true }, 'a@x.test', true],
    ['google', { sub: '1', email: 'a@x.test', email_verified: false }, 'a@x.test', false],
    ['google', { sub: '1', email: 'a@x.test' }, 'a@x.test', false],
    ['google', { sub: '1', email: 'a@x.test', email_verified: 'true' }, 'a@x.test', true],
    ['google', { sub: '1', email_verified: true }, null, false],
    // Entra ID: email alone is not verified; xms_edov vouches for it.
    ['microsoft', { sub: '1', email: 'a@x.test' }, 'a@x.test', false],
    ['microsoft', { sub: '1', email: 'a@x.test', xms_edov: true }, 'a@x.test', true],
    ['microsoft', { sub: '1', email: 'a@x.test', xms_edov: '1' }, 'a@x.test', true],
    ['microsoft', { sub: '1', email: 'a@x.test', xms_edov: false }, 'a@x.test', false],
    ['microsoft', { sub: '1', preferred_username: 'a@x.test', xms_edov: true }, null, false],
  ] as const)('%s %o → %s verified=%s', (provider, claims, email, verified) => {
    expect(oidcIdentity(provider, claims)).toMatchObject({ subject: '1', email, emailVerified: verified });
  });
});

describe('githubIdentity', () => {
  const user = { id: 583231, login: 'octocat', name: null, email: 'public@x.test' };
  it.each([
    ['verified primary', [{ email: 'p@x.test', primary: true, verified: true }, { email: 'o@x.test', primary: false, verified: true }], 'p@x.test', true],
    ['unverified primary', [{ email: 'p@x.test', primary: true, verified: false }, { email: 'o@x.test', primary: false, verified: true }], 'p@x.test', false],
    ['no primary', [{ email: 'o@x.test', primary: false, verified: true }], 'public@x.test', false],
    ['emails unavailable', null, 'public@x.test', false],
  ] as const)('%s', (_name, emails, email, verified) => {
    expect(githubIdentity(user, emails)).toEqual({ subject: '583231', email, emailVerified: verified, name: 'octocat' });
  });

  it('has no subject without an id', () => {
    expect(githubIdentity({ login: 'x' }, null).subject).toBe('');
  });
});
