import { describe, expect, it } from 'vitest';
import { AppError } from '@/lib/errors';
import { assertSameOriginPost, crossSiteRefusal } from './same-origin';

const BASE = 'https://console.example.test';
const headers = (values: Record<string, string>) => new Headers(values);

describe('crossSiteRefusal: was this POST made on a page of ours?', () => {
  type Case = [name: string, values: Record<string, string>, refused: RegExp | null, base?: string];
  const cases: Case[] = [
    ['our Origin and same-origin fetch', { origin: BASE, 'sec-fetch-site': 'same-origin' }, null],
    ['our Origin, no Sec-Fetch-Site (older browser)', { origin: BASE }, null],
    ['no Origin, Sec-Fetch-Site same-origin', { 'sec-fetch-site': 'same-origin' }, null],
    ['Origin differs only in case and default port', { origin: 'https://CONSOLE.example.test:443' }, null],
    ['base URL with a path and a trailing slash', { origin: 'http://127.0.0.1:4000' }, null, 'http://127.0.0.1:4000/portcullis/'],
    ['neither header (a script, not our form)', {}, /does not say which page it was made on/],
    ['Origin null (sandboxed frame, file:)', { origin: 'null' }, /page without an origin/],
    ['Origin null even with same-origin fetch', { origin: 'null', 'sec-fetch-site': 'same-origin' }, /page without an origin/],
    ['another site', { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, /cross-site page/],
    ['another site, no Sec-Fetch-Site', { origin: 'https://evil.example' }, /made on https:\/\/evil\.example, not on this console \(https:\/\/console\.example\.test\)/],
    ['same site, another subdomain', { origin: 'https://blog.example.test', 'sec-fetch-site': 'same-site' }, /same-site page/],
    ['same site, another subdomain, no Sec-Fetch-Site', { origin: 'https://blog.example.test' }, /made on https:\/\/blog\.example\.test/],
    ['same host, another port', { origin: 'https://console.example.test:8443' }, /made on https:\/\/console\.example\.test:8443/],
    ['same host, plain http', { origin: 'http://console.example.test' }, /made on http:\/\/console\.example\.test/],
    ['our Origin but the browser says cross-site', { origin: BASE, 'sec-fetch-site': 'cross-site' }, /cross-site page/],
    ['typed address or bookmark', { 'sec-fetch-site': 'none' }, /typed address or bookmark/],
    ['same-origin fetch but a foreign Origin', { origin: 'https://evil.example', 'sec-fetch-site': 'same-origin' }, /made on https:\/\/evil\.example/],
    ['Origin that is no URL', { origin: 'console.example.test' }, /made on console\.example\.test/],
    ['Origin with another scheme', { origin: 'chrome-extension://abc' }, /made on chrome-extension:\/\/abc/],
    ['our host as a suffix of theirs', { origin: 'https://console.example.test.evil.example' }, /not on this console/],
    ['empty Origin and empty Sec-Fetch-Site count as absent', { origin: '', 'sec-fetch-site': '' }, /does not say which page/],
    ['a misconfigured base URL admits nothing', { origin: 'ftp://x' }, /not an http\(s\) URL: set PUBLIC_URL/, 'ftp://x'],
    ['an unreadable base URL admits nothing', { 'sec-fetch-site': 'same-origin' }, /not an http\(s\) URL/, 'not a url'],
  ];
  it.each(cases)('%s', (_name, values, refused, base = BASE) => {
    const refusal = crossSiteRefusal(headers(values), base);
    if (refused === null) expect(refusal).toBeNull();
    else expect(refusal).toMatch(refused);
  });
});

describe('assertSameOriginPost', () => {
  it('passes a same-origin POST and throws 403 forbidden with the reason otherwise', () => {
    expect(() => assertSameOriginPost(headers({ origin: BASE }), BASE)).not.toThrow();
    let caught: unknown;
    try {
      assertSameOriginPost(headers({ origin: 'https://evil.example' }), BASE);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(AppError);
    expect((caught as AppError).status).toBe(403);
    expect((caught as AppError).code).toBe('forbidden');
    expect((caught as AppError).message).toBe('This request was made on https://evil.example, not on this console (https://console.example.test).');
  });

  it('trims what a reader hands over: a blank Origin is no Origin, a padded "null" is still null', () => {
    const reader = (values: Record<string, string>) => ({ get: (name: string) => values[name] ?? null });
    expect(crossSiteRefusal(reader({ origin: '   ', 'sec-fetch-site': 'same-origin' }), BASE)).toBeNull();
    expect(crossSiteRefusal(reader({ origin: ' null ' }), BASE)).toMatch(/page without an origin/);
  });

  it('reads any object with get(), as Next\'s headers() is', () => {
    const map = new Map([['sec-fetch-site', 'same-origin']]);
    expect(() => assertSameOriginPost({ get: (name) => map.get(name) ?? null }, BASE)).not.toThrow();
  });
});
