import { describe, expect, it } from 'vitest';
import { isPublicUrlHttps, publicBaseUrl } from './public-url';

describe('publicBaseUrl', () => {
  it.each([
    [{ PUBLIC_URL: 'https://c.example.test/' }, 'https://c.example.test'],
    [{ PUBLIC_URL: 'https://c.example.test/console//' }, 'https://c.example.test/console'],
    [{ NEXTAUTH_URL: 'http://127.0.0.1:4000' }, 'http://127.0.0.1:4000'],
    // PUBLIC_URL wins over NEXTAUTH_URL: one address for every link.
    [{ PUBLIC_URL: 'https://public.example.test', NEXTAUTH_URL: 'http://internal:3000' }, 'https://public.example.test'],
    // Empty or blank values count as unset, never as a base for relative links.
    [{ PUBLIC_URL: '', NEXTAUTH_URL: 'http://127.0.0.1:4000' }, 'http://127.0.0.1:4000'],
    [{ PUBLIC_URL: '   ', NEXTAUTH_URL: '' }, 'http://localhost:3000'],
    [{ PUBLIC_URL: '  https://c.example.test/  ' }, 'https://c.example.test'],
    [{ PORT: '8080' }, 'http://localhost:8080'],
    [{ PORT: ' ' }, 'http://localhost:3000'],
    [{}, 'http://localhost:3000'],
  ])('from %j is %s', (env, expected) => expect(publicBaseUrl(env)).toBe(expected));

  it('is always absolute, so a mailed link is never relative', () => {
    for (const env of [{}, { PUBLIC_URL: '' }, { NEXTAUTH_URL: '' }, { PUBLIC_URL: '/' }, { PORT: '' }]) {
      expect(`${publicBaseUrl(env)}/invite/x`).toMatch(/^https?:\/\/[^/]/);
    }
  });

  it('reads the server environment when none is given', () => {
    const saved = { PUBLIC_URL: process.env.PUBLIC_URL, NEXTAUTH_URL: process.env.NEXTAUTH_URL };
    try {
      process.env.PUBLIC_URL = 'https://from-env.example.test/';
      expect(publicBaseUrl()).toBe('https://from-env.example.test');
    } finally {
      for (const [key, value] of Object.entries(saved)) {
        if (value === undefined) delete process.env[key];
        else process.env[key] = value;
      }
    }
  });
});

describe('isPublicUrlHttps', () => {
  it.each([
    [{ PUBLIC_URL: 'https://c.example.test' }, true],
    [{ PUBLIC_URL: 'HTTPS://C.example.test' }, true],
    [{ PUBLIC_URL: ' https://c.example.test' }, true],
    [{ NEXTAUTH_URL: 'https://c.example.test' }, true],
    [{ PUBLIC_URL: 'http://c.example.test/https://' }, false],
    [{}, false],
  ])('%j -> %s', (env, expected) => expect(isPublicUrlHttps(env)).toBe(expected));
});
