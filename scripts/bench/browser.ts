import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { scriptsFetchedAtLoad } from './first-load';
import { median } from './stats';

// What a person's browser sees of the console in `npm run bench`: the tokens page's time to
// first byte and load in Debian's Chromium, and the JavaScript a page loads first.

export async function pageTiming(url: string, pagePath: string, cookie: string) {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  });
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'next-auth.session-token', value: cookie, url }]);
    const page = await context.newPage();
    const runs: { ttfb: number; load: number }[] = [];
    for (let i = 0; i < 4; i++) {
      await page.goto(`${url}${pagePath}`, { waitUntil: 'load' });
      const timing = await page.evaluate(() => {
        const [nav] = performance.getEntriesByType('navigation') as PerformanceNavigationTiming[];
        return { ttfb: nav!.responseStart - nav!.requestStart, load: nav!.loadEventEnd - nav!.startTime };
      });
      if (i > 0) runs.push(timing); // the first load warms the server's caches
    }
    return { ttfb: Math.round(median(runs.map((r) => r.ttfb))), load: Math.round(median(runs.map((r) => r.load))) };
  } finally {
    await browser.close();
  }
}

/** Each script's gzipped size, by address: the pages share most of their chunks. */
const gzippedBytes = new Map<string, number>();

/**
 * The JavaScript a page loads first, gzipped, in kB (1,024 bytes): each file that its HTML makes a
 * current browser fetch (scriptsFetchedAtLoad: the scripts and script preloads, not the noModule
 * polyfills that such a browser skips). Signed in when `cookie` is given. A page that does not
 * answer 200 (a redirect to sign-in, a 404) is refused rather than measured: its JavaScript is
 * another page's.
 */
export async function firstLoadJs(url: string, pagePath: string, cookie?: string): Promise<{ kb: number; scripts: string[] }> {
  const response = await fetch(`${url}${pagePath}`, { redirect: 'manual', headers: cookie ? { cookie: `next-auth.session-token=${cookie}` } : {} });
  const html = await response.text();
  if (response.status !== 200) throw new Error(`${pagePath} answered ${response.status}, not the page`);
  const scripts = scriptsFetchedAtLoad(html);
  let bytes = 0;
  for (const src of scripts) {
    const address = new URL(src, url).toString();
    let size = gzippedBytes.get(address);
    if (size === undefined) {
      const script = await fetch(address);
      if (!script.ok) throw new Error(`${src} of ${pagePath} answered ${script.status}`);
      size = gzipSync(Buffer.from(await script.arrayBuffer())).length;
      gzippedBytes.set(address, size);
    }
    bytes += size;
  }
  return { kb: Math.round(bytes / 102.4) / 10, scripts };
}
