import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { consolePages, pagePath, scriptsFetchedAtLoad } from './first-load';

describe('scriptsFetchedAtLoad', () => {
  it('takes the scripts and script preloads of a page as Next writes them, leaving out the noModule polyfills', () => {
    // The shape of a production page's head and body (Next 16, Turbopack).
    const html = [
      '<link rel="stylesheet" href="/_next/static/chunks/a.css" data-precedence="next"/>',
      '<link rel="preload" as="script" fetchPriority="low" href="/_next/static/chunks/main.js"/>',
      '<link rel="preload" href="/logo.svg" as="image"/>',
      '<script src="/_next/static/chunks/react.js" async=""></script>',
      '<script src="/_next/static/chunks/page.js" async=""></script>',
      '<script src="/_next/static/chunks/polyfills.js" noModule=""></script>',
      '<script id="_R_">self.__next_r="x"</script>',
      '<script src="/_next/static/chunks/main.js" async=""></script>',
      '<script>(self.__next_f=self.__next_f||[]).push([0])</script>',
    ].join('');
    expect(scriptsFetchedAtLoad(html)).toEqual(['/_next/static/chunks/react.js', '/_next/static/chunks/page.js', '/_next/static/chunks/main.js']);
  });

  it.each([
    ['<script nomodule src="/p.js"></script>', []],
    ["<script src='/a.js' type=module></script>", ['/a.js']],
    ['<link rel="modulepreload" href="/m.js">', ['/m.js']],
    ['<link as="script" rel="preload" href="/q.js?v=1&amp;w=2">', ['/q.js?v=1&w=2']],
    ['<link rel="preload" as="style" href="/s.css">', []],
    ['<link rel="prefetch" as="script" href="/later.js">', []],
  ])('%s', (html, expected) => {
    expect(scriptsFetchedAtLoad(html)).toEqual(expected);
  });
});

describe('consolePages', () => {
  it('lists each page.tsx as its route, route groups and private folders left out', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pages-'));
    try {
      for (const file of ['(console)/page.tsx', '(console)/admin/users/[userId]/page.tsx', '(console)/layout.tsx', 'signin/page.tsx', '_lib/page.tsx', 'v1/me/route.ts']) {
        fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
        fs.writeFileSync(path.join(dir, file), '');
      }
      expect(consolePages(dir)).toEqual([
        { route: '/', signedIn: true },
        { route: '/admin/users/[userId]', signedIn: true },
        { route: '/signin', signedIn: false },
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('pagePath', () => {
  it('fills each dynamic segment', () => {
    expect(pagePath('/projects/[project]/services/[service]', { project: 'p 1', service: 's' })).toBe('/projects/p%201/services/s');
  });

  it('refuses a segment it has no value for', () => {
    expect(() => pagePath('/invite/[secret]', { project: 'p' })).toThrow('no value for [secret] of /invite/[secret]');
  });
});
