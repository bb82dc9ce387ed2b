// `npx tsx scripts/bench/profile.ts [--large] [--postgres] [PATH]`: where a production server's
// CPU time goes while it answers PATH (default /v1/me, with the super admin's token) at 64
// connections. Starts the server with --cpu-prof on a seeded database (the large one from
// bench/cache/ with --large), warms it, loads it for 10 s, stops it and prints its time by
// package and its heaviest functions, self and inclusive. docs/performance.md says what it found.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hashPassword } from '@/lib/passwords/hash';
import { TestIdp } from '@/lib/testing/saml-idp';
import { startThrowawayCluster } from '@/db/throwaway-cluster';
import { ensureBuild } from './checkout';
import { load, warm } from './measure';
import { cachedLargeSeed, copyIntoPostgres, seedSmall } from './seed';
import { startServer } from './servers';

type Node = { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] };
type Profile = { nodes: Node[]; samples: number[]; timeDeltas: number[] };

/** Which package or part a frame belongs to. */
function partOf({ functionName, url }: Node['callFrame']): string {
  if (functionName === '(idle)') return 'idle';
  if (functionName === '(garbage collector)') return 'garbage collector';
  if (functionName === '(program)') return 'V8 and native (program)';
  const inModules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (inModules) return inModules[1]!;
  if (url.includes('/.next/server/')) return 'our code (bundled)';
  if (url.startsWith('node:') || url === '') return 'Node.js built-ins';
  return 'our code';
}

export function summarizeProfile(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const idle = [...self].filter(([id]) => byId.get(id)!.callFrame.functionName === '(idle)').reduce((a, [, t]) => a + t, 0);
  const busy = [...self.values()].reduce((a, b) => a + b, 0) - idle;
  const share = (t: number) => `${((100 * t) / busy).toFixed(1)}%`;
  const add = (m: Map<string, number>, k: string, t: number) => m.set(k, (m.get(k) ?? 0) + t);
  const parts = new Map<string, number>();
  const selfByFunction = new Map<string, number>();
  for (const [id, t] of self) {
    const frame = byId.get(id)!.callFrame;
    if (frame.functionName === '(idle)') continue;
    add(parts, partOf(frame), t);
    add(selfByFunction, `${frame.functionName || '(anonymous)'} ${path.basename(frame.url)}:${frame.lineNumber + 1}`, t);
  }
  // Inclusive time: a function's own samples and its callees', each sample counted once per
  // function even when the function is on the stack several times (recursion, re-entry).
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const inclusive = new Map<string, number>();
  for (const [id, t] of self) {
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      if (!frame.functionName || frame.functionName.startsWith('(')) continue;
      const name = `${frame.functionName} ${path.basename(frame.url)}`;
      if (!seen.has(name)) {
        seen.add(name);
        add(inclusive, name, t);
      }
    }
  }
  const sorted = (m: Map<string, number>, n: number) => [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, t]) => `  ${share(t).padStart(6)}  ${k}`);
  return [
    `busy ${(busy / 1e6).toFixed(1)} s of ${((busy + idle) / 1e6).toFixed(1)} s sampled`,
    'by part:',
    ...sorted(parts, 15),
    'self time, heaviest functions:',
    ...sorted(selfByFunction, top),
    'inclusive time, heaviest functions:',
    ...sorted(inclusive, top),
  ].join('\n');
}

async function main() {
  const root = path.resolve(import.meta.dirname, '..', '..');
  const args = process.argv.slice(2);
  const large = args.includes('--large');
  const postgres = args.includes('--postgres');
  const target = args.find((a) => !a.startsWith('--')) ?? '/v1/me';
  ensureBuild(root);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-profile-'));
  const stops: (() => Promise<void>)[] = [];
  try {
    const passwordHash = await hashPassword('profile');
    const small = await seedSmall(path.join(dir, 'small.db'), passwordHash, await TestIdp.create());
    const seed = large ? await cachedLargeSeed(root, path.join(root, 'bench', 'cache'), passwordHash, 100_000, 10) : small;
    let database = path.join(dir, 'served.db');
    fs.copyFileSync(seed.file, database);
    if (postgres) {
      const { url, stop } = startThrowawayCluster(path.join(dir, 'postgres'), { root, durable: true });
      stops.push(async () => stop());
      database = (await copyIntoPostgres(database, url, { create: 'profiled', dump: large ? `${seed.file}.pgdump` : undefined })).url;
    }
    const profileDir = path.join(dir, 'profile');
    const server = await startServer({ cwd: root, database, nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] });
    stops.push(() => server.stop());
    const request = { url: `${server.url}${target}`, headers: { authorization: `aivenv1 ${seed.apiToken}` }, server };
    await warm(request, 3);
    const measured = await load(request, 10);
    console.log(`${target}: ${measured.rps} req/s, p50 ${measured.p50} ms, p99 ${measured.p99} ms, ${measured.cpuMsPerRequest} ms CPU/request`);
    await server.stop();
    stops.pop();
    const [file] = fs.readdirSync(profileDir);
    console.log(summarizeProfile(JSON.parse(fs.readFileSync(path.join(profileDir, file!), 'utf8')) as Profile));
  } finally {
    for (const stop of stops.reverse()) await stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.filename === process.argv[1]) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
