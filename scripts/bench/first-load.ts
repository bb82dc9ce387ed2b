import fs from 'node:fs';
import path from 'node:path';

// Which console pages there are, and which scripts a page's HTML makes a current browser fetch:
// what `npm run bench` counts as a page's first-load JavaScript (scripts/bench/pages.ts).

/** The attributes of each `<tag ...>` in `html`, names lower-cased (`noModule` is `nomodule`). */
function tags(html: string, tag: string): Map<string, string>[] {
  return [...html.matchAll(new RegExp(`<${tag}\\b([^>]*)>`, 'gi'))].map(([, attributes]) => {
    const found = new Map<string, string>();
    for (const [, name, double, single, bare] of attributes!.matchAll(/([^\s=/>]+)(?:=(?:"([^"]*)"|'([^']*)'|([^\s>]+)))?/g)) {
      found.set(name!.toLowerCase(), double ?? single ?? bare ?? '');
    }
    return found;
  });
}

/**
 * The JavaScript files that `html` makes a current browser fetch while it loads the page, each
 * once, in order:
 * - every `<script src>` except `noModule` ones: Next adds its polyfills as a `noModule` script,
 *   which a browser that runs modules (every current one) never fetches;
 * - every `<link rel="preload" as="script">` and `<link rel="modulepreload">`: the browser fetches
 *   those as it reads the HTML, like a script, even with fetchPriority="low". Next writes one for
 *   a chunk of its own, and next/dynamic writes one for each chunk of a component it renders on
 *   the server, so a component moved behind next/dynamic still counts here.
 * What the page's scripts import later (import(), next/link's prefetch of other pages) is not
 * first load, and neither are inline scripts (the RSC payload, which is data and counted in the
 * HTML's own size).
 */
export function scriptsFetchedAtLoad(html: string): string[] {
  const scripts = tags(html, 'script')
    .filter((a) => a.has('src') && !a.has('nomodule'))
    .map((a) => a.get('src')!);
  const preloads = tags(html, 'link')
    .filter((a) => {
      const rel = (a.get('rel') ?? '').toLowerCase().split(/\s+/);
      return rel.includes('modulepreload') || (rel.includes('preload') && a.get('as')?.toLowerCase() === 'script');
    })
    .map((a) => a.get('href')!)
    .filter(Boolean);
  return [...new Set([...scripts, ...preloads].map((src) => src.replace(/&amp;/g, '&')))];
}

/** A page of the console: its route as app/ spells it (route groups left out) and whether it is behind sign-in. */
export type ConsolePage = { route: string; signedIn: boolean };

/**
 * Every page under `appDir` (each folder with a page.tsx): its route with the route groups
 * ("(console)") left out and dynamic segments as written ("[userId]"); pages under (console) are
 * behind sign-in, the others public.
 */
export function consolePages(appDir: string): ConsolePage[] {
  const pages: ConsolePage[] = [];
  for (const file of fs.readdirSync(appDir, { recursive: true, encoding: 'utf8' })) {
    if (path.basename(file) !== 'page.tsx') continue;
    const segments = path.dirname(file).split(path.sep).filter((s) => s !== '.');
    if (segments.some((s) => s.startsWith('_'))) continue; // private folders are not routes
    pages.push({
      route: `/${segments.filter((s) => !/^\(.*\)$/.test(s)).join('/')}`,
      signedIn: segments[0] === '(console)',
    });
  }
  return pages.sort((a, b) => a.route.localeCompare(b.route));
}

/**
 * `route` with each dynamic segment ("[userId]") replaced by `values[name]`. Throws for a
 * segment without a value, so that a new page with a new parameter is not left out unseen.
 */
export function pagePath(route: string, values: Readonly<Record<string, string>>): string {
  return route.replace(/\[([^\]]+)\]/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) throw new Error(`no value for [${name}] of ${route}: give the bench one`);
    return encodeURIComponent(value);
  });
}
