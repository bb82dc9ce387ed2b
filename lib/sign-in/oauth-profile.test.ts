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
    ['microsoft', { sub: '1', email: 'a@x.test', xms_edov: 1 }, 'a@x.test', true],
    ['microsoft', { sub: '1', email: 'a@x.test', xms_edov: 0 }, 'a@x.test', false],
    // A standard email_verified: true counts for Entra ID too; the string form does not.
    ['microsoft', { sub: '1', email: 'a@x.test', email_verified: true }, 'a@x.test', true],
    ['microsoft', { sub: '1', email: 'a@x.test', email_verified: 'true' }, 'a@x.test', false],
    ['microsoft', { sub: '1', preferred_username: 'a@x.test', xms_edov: true }, null, false],
    // Surrounding blanks are not part of the address; a blank address is none.
    ['google', { sub: ' 1 ', email: '  A@x.test ', email_verified: true }, 'a@x.test', true],
    ['google', { sub: '1', email: '   ', email_verified: true }, null, false],
  ] as const)('%s %o → %s verified=%s', (provider, claims, email, verified) => {
    expect(oidcIdentity(provider, claims)).toMatchObject({ subject: '1', email, emailVerified: verified });
  });

  it('takes the name, trimmed, or none', () => {
    expect(oidcIdentity('google', { sub: '1', name: ' Ada Lovelace ' }).name).toBe('Ada Lovelace');
    expect(oidcIdentity('google', { sub: '1', name: 42 }).name).toBe('');
    expect(oidcIdentity('google', { name: 'Ada' }).subject).toBe('');
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

  it('has no subject without an id; a string id is taken as it is', () => {
    expect(githubIdentity({ login: 'x' }, null).subject).toBe('');
    expect(githubIdentity({ id: { nested: 1 }, login: 'x' }, null).subject).toBe('');
    expect(githubIdentity({ id: '583231', login: 'x' }, null).subject).toBe('583231');
  });

  it('names the account by its name, else its login; trims the address', () => {
    expect(githubIdentity({ id: 1, login: 'octocat', name: ' The Octocat ' }, [{ email: ' P@x.test ', primary: true, verified: true }])).toEqual({
      subject: '1',
      email: 'p@x.test',
      emailVerified: true,
      name: 'The Octocat',
    });
    expect(githubIdentity({ id: 1 }, [{ email: '', primary: true, verified: true }])).toEqual({ subject: '1', email: null, emailVerified: false, name: '' });
  });
});
