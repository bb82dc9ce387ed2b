import { describe, expect, it } from 'vitest';
import { generateTotpSecret, matchTotpStep, totpCodeAt, totpCodeForStep, totpStepAt, totpUri, TOTP_WINDOW } from './totp';

// RFC 6238 appendix B: the SHA-1 seed is the ASCII "12345678901234567890", in base32 below.
// The RFC lists 8-digit codes; dynamic truncation takes the code modulo 10^digits, so the
// 6-digit codes that authenticator apps show are their last six digits.
const RFC_SECRET = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
const RFC_VECTORS: [seconds: number, eightDigits: string][] = [
  [59, '94287082'],
  [1111111109, '07081804'],
  [1111111111, '14050471'],
  [1234567890, '89005924'],
  [2000000000, '69279037'],
  [20000000000, '65353130'],
];

const at = (seconds: number) => new Date(seconds * 1000);

describe('TOTP codes', () => {
  it.each(RFC_VECTORS)('RFC 6238 at T=%i: %s', (seconds, eightDigits) => {
    expect(totpCodeAt(RFC_SECRET, at(seconds))).toBe(eightDigits.slice(-6));
  });

  it.each([
    [0, 0],
    [29, 0],
    [30, 1],
    [59, 1],
    [1111111109, 37037036],
    [1111111111, 37037037],
  ])('time %i s is step %i (30-second steps)', (seconds, step) => {
    expect(totpStepAt(at(seconds))).toBe(step);
  });

  it('a step has one code, whatever the moment within it', () => {
    expect(totpCodeAt(RFC_SECRET, at(1111111110))).toBe(totpCodeForStep(RFC_SECRET, 37037037));
    expect(totpCodeAt(RFC_SECRET, at(1111111139))).toBe(totpCodeForStep(RFC_SECRET, 37037037));
    expect(totpCodeAt(RFC_SECRET, at(1111111140))).not.toBe(totpCodeForStep(RFC_SECRET, 37037037));
  });
});

describe('matchTotpStep', () => {
  const now = at(1111111111); // step 37037037
  const step = 37037037;
  const match = (code: string, lastUsedStep: number | null = null) => matchTotpStep({ secret: RFC_SECRET, code, now, lastUsedStep });

  it.each([-1, 0, 1])('accepts the code of step now%+i', (delta) => {
    expect(match(totpCodeForStep(RFC_SECRET, step + delta))).toBe(step + delta);
  });

  it.each([-3, -2, 2, 3])('refuses the code of step now%+i: outside the window', (delta) => {
    expect(match(totpCodeForStep(RFC_SECRET, step + delta))).toBeNull();
  });

  it('the window is one step either side', () => expect(TOTP_WINDOW).toBe(1));

  it('refuses a replay: a step is accepted once, and no earlier step after it', () => {
    const code = totpCodeForStep(RFC_SECRET, step);
    expect(match(code, null)).toBe(step);
    expect(match(code, step)).toBeNull();
    expect(match(totpCodeForStep(RFC_SECRET, step - 1), step)).toBeNull();
    // The next step's code is still good.
    expect(match(totpCodeForStep(RFC_SECRET, step + 1), step)).toBe(step + 1);
    // A code of a later step spends the ones before it: after step+1, step is refused.
    expect(match(code, step + 1)).toBeNull();
  });

  it.each(['', '12345', '1234567', '14050471', 'abcdef', '050471 '])('refuses %j', (code) => {
    expect(match(code)).toBeNull();
  });

  it('refuses the code of another secret', () => {
    expect(matchTotpStep({ secret: 'JBSWY3DPEHPK3PXP', code: totpCodeForStep(RFC_SECRET, step), now, lastUsedStep: null })).toBeNull();
  });
});

describe('secrets and URIs', () => {
  it('makes 160-bit base32 secrets, each new', () => {
    const a = generateTotpSecret();
    const b = generateTotpSecret();
    expect(a).toMatch(/^[A-Z2-7]{32}$/);
    expect(a).not.toBe(b);
  });

  it('builds the key URI that authenticator apps scan', () => {
    const uri = new URL(totpUri({ secret: RFC_SECRET, account: 'ada@example.test' }));
    expect(uri.protocol).toBe('otpauth:');
    expect(uri.host).toBe('totp');
    expect(decodeURIComponent(uri.pathname)).toBe('/Portcullis:ada@example.test');
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      issuer: 'Portcullis',
      secret: RFC_SECRET,
      algorithm: 'SHA1',
      digits: '6',
      period: '30',
    });
  });
});
