import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { median } from './stats';

// What a person's browser sees of the console in `npm run bench`: the tokens page's time to
// first byte and load in Debian's Chromium, and the JavaScript each page loads first.

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

/** Compressed size of the JavaScript a page loads first, in kB: every script its HTML names, gzipped. */
export async function firstLoadJs(url: string, pagePath: string, cookie: string): Promise<number> {
  const html = await (await fetch(`${url}${pagePath}`, { headers: { cookie: `next-auth.session-token=${cookie}` } })).text();
  const sources = [...html.matchAll(/<script[^>]+src="([^"]+\.js[^"]*)"/g)].map((m) => m[1]!);
  let bytes = 0;
  for (const src of new Set(sources)) bytes += gzipSync(Buffer.from(await (await fetch(new URL(src, url))).arrayBuffer())).length;
  return Math.round(bytes / 102.4) / 10;
}
