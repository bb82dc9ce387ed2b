// `npm run bench:pages`: only the first-load JavaScript of every console page, as `npm run bench`
// measures it (scripts/bench/pages.ts), in a few seconds after a build (made first when .next
// holds none of these sources, as the bench does): the small database seeded
// in a temporary folder, its production server and one on an empty database for /setup. Exits 1
// when a page is over the budget. `--json FILE` also writes the figures to FILE.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '@/lib/passwords/hash';
import { TestIdp } from '@/lib/testing/saml-idp';
import { ensureBuild } from './checkout';
import { FIRST_LOAD_BUDGET_KB, measurePages, pageValues } from './pages';
import { seedSmall } from './seed';
import { startServer, type Server } from './servers';

const root = path.resolve(import.meta.dirname, '..', '..');

async function main() {
  ensureBuild(root);
  const jsonAt = process.argv.indexOf('--json');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-pages-'));
  const servers: Server[] = [];
  try {
    const idp = await TestIdp.create('https://bench-idp.example.test/saml');
    const seed = await seedSmall(path.join(dir, 'small.db'), await hashPassword(`pages-${Date.now()}`), idp);
    const small = await startServer({ cwd: root, database: seed.file });
    servers.push(small);
    const empty = await startServer({ cwd: root, database: path.join(dir, 'empty.db') });
    servers.push(empty);
    const pages = await measurePages({ url: small.url, setupUrl: empty.url, adminSession: seed.adminSession, values: await pageValues(small.url, seed) });
    const width = Math.max(...pages.map((p) => p.route.length));
    for (const { route, kb } of pages) console.log(`${route.padEnd(width)}  ${kb.toFixed(1).padStart(6)} kB  ${kb <= FIRST_LOAD_BUDGET_KB ? '' : `over ${FIRST_LOAD_BUDGET_KB} kB`}`);
    if (jsonAt !== -1) fs.writeFileSync(process.argv[jsonAt + 1]!, `${JSON.stringify(Object.fromEntries(pages.map((p) => [p.route, p.kb])), null, 2)}\n`);
    if (pages.some((p) => p.kb > FIRST_LOAD_BUDGET_KB)) process.exitCode = 1;
  } finally {
    for (const server of servers) await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
