import { domainToASCII } from 'node:url';
import { describe, expect, it } from 'vitest';
import { challengeRecordName, challengeValue, httpChallengeUrl, matchesChallenge, newChallengeToken } from './challenge';
import { addDomainSchema, toAsciiHostName, updateDomainSchema } from './schema';

describe('toAsciiHostName', () => {
  it.each([
    ['example.com', 'example.com'],
    ['  Example.COM  ', 'example.com'],
    ['example.com.', 'example.com'],
    ['sub.team.example.com', 'sub.team.example.com'],
    ['a-b.example', 'a-b.example'],
    ['xn--bcher-kva.example', 'xn--bcher-kva.example'],
    ['Bücher.example', 'xn--bcher-kva.example'],
    ['例え.テスト', 'xn--r8jz45g.xn--zckzah'],
    ['ｅｘａｍｐｌｅ.com', 'example.com'],
    ['münchen.de', 'xn--mnchen-3ya.de'],
    [`${'a'.repeat(63)}.com`, `${'a'.repeat(63)}.com`],
  ])('%j → %s', (input, expected) => {
    expect(toAsciiHostName(input)).toEqual({ ok: true, name: expected });
    // The same ASCII form as Node's url.domainToASCII.
    expect(domainToASCII(input.trim()).replace(/\.$/, '')).toBe(expected);
  });

  it.each([
    ['', /Enter a domain name/],
    ['   ', /Enter a domain name/],
    ['localhost', /full domain name/],
    ['com', /full domain name/],
    ['https://example.com', /domain name only/],
    ['example.com/path', /domain name only/],
    ['example.com:443', /domain name only/],
    ['user@example.com', /domain name only/],
    ['exa mple.com', /domain name only/],
    ['a%41.com', /domain name only/],
    ['[::1]', /domain name only/],
    ['1.2.3.4', /IP address/],
    ['*.example.com', /Not a valid domain name/],
    ['_dmarc.example.com', /Not a valid domain name/],
    ['-a.example.com', /Not a valid domain name/],
    ['a-.example.com', /Not a valid domain name/],
    ['a..example.com', /empty label/],
    [`${'a'.repeat(64)}.com`, /Not a valid domain name/],
    [`${'abcdefghi.'.repeat(26)}com`, /too long/],
    ['xn--a.com', /Not a valid domain name/],
    ['app.application-users.invalid', /reserved/],
    ['printer.local', /reserved/],
    ['x.localhost', /reserved/],
  ])('refuses %j', (input, message) => {
    const result = toAsciiHostName(input);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.message).toMatch(message);
  });
});

describe('addDomainSchema', () => {
  it('defaults to DNS verification and stores the ASCII form', () => {
    expect(addDomainSchema.parse({ domain_name: 'Bücher.example' })).toEqual({ domain_name: 'xn--bcher-kva.example', verification_type: 'dns' });
    expect(addDomainSchema.parse({ domain_name: 'example.com', verification_type: 'http' }).verification_type).toBe('http');
  });

  it.each([
    [{}, 'domain_name'],
    [{ domain_name: 42 }, 'domain_name'],
    [{ domain_name: 'example..com' }, 'domain_name'],
    [{ domain_name: 'example.com', verification_type: 'email' }, 'verification_type'],
    [{ domain_name: 'example.com', extra: true }, ''],
  ])('refuses %j at %j', (input, path) => {
    const result = addDomainSchema.safeParse(input);
    expect(result.success).toBe(false);
    expect(result.error!.issues.map((i) => i.path.join('.'))).toContain(path);
  });

  it('update takes the verification type only', () => {
    expect(updateDomainSchema.parse({ verification_type: 'http' })).toEqual({ verification_type: 'http' });
    expect(updateDomainSchema.safeParse({}).success).toBe(false);
    expect(updateDomainSchema.safeParse({ verification_type: 'http', domain_name: 'x.com' }).success).toBe(false);
  });
});

describe('challenge', () => {
  it('has the documented form', () => {
    const token = newChallengeToken();
    expect(token).toMatch(/^[0-9a-f]{32}$/);
    expect(newChallengeToken()).not.toBe(token);
    expect(challengeRecordName('example.com')).toBe('_portcullis-challenge.example.com');
    expect(challengeValue(token)).toBe(`token=${token},expiry=never`);
    expect(httpChallengeUrl('example.com')).toBe('https://example.com/.well-known/portcullis-challenge');
  });

  it.each([
    ['token=abc,expiry=never', true],
    ['  token=abc,expiry=never\n', true],
    ['"token=abc,expiry=never"', true],
    ['token=abc', false],
    ['token=abcd,expiry=never', false],
    ['token=ABC,expiry=never', false],
    ['token=abc,expiry=never;x', false],
    ['', false],
  ])('matchesChallenge(%j) = %s', (published, expected) => {
    expect(matchesChallenge(published, 'abc')).toBe(expected);
  });
});
