// `npm run bench`: what the request gate, token lookup at scale, several instances, the console
// pages and sign-in cost, on SQLite and on PostgreSQL, against the production build on freshly
// seeded databases. Figures that are compared are measured in interleaved rounds (each round
// loads every target once, in an order that changes from round to round), and a ratio is
// reported as the median of its per-round values with the median's 95% confidence interval
// (min–max for five rounds or fewer); a target is met when the interval's low end reaches it. Prints a table and writes it as JSON under bench/results/. docs/performance.md
// says what is measured and how to read it.
//
//   npm run bench                    SQLite and PostgreSQL (a throwaway cluster, with nginx for two instances)
//   npm run bench -- --vs REF        only this build against REF's, on SQLite (issue 17): many short
//                                    pairs, each build right after the other, to see a few percent
// Environment: BENCH_SECONDS (per load: 5, with --vs 3), BENCH_ROUNDS (5, with --vs 24),
// BENCH_USERS (100,000 users of 10 tokens each).
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startCluster } from '@/e2e/support/cluster';
import { hashPassword } from '@/lib/passwords/hash';
import { TestIdp } from '@/lib/testing/saml-idp';
import { pageTiming } from './browser';
import { builtCheckout, ensureBuild } from './checkout';
import { CONNECTIONS, interleavedRounds, summarize, type Measured } from './measure';
import { FIRST_LOAD_BUDGET_KB, measurePages, pageValues } from './pages';
import { cachedLargeSeed, copyIntoPostgres, seedSmall, type LargeSeed, type SmallSeed } from './seed';
import { startServer, type Server } from './servers';
import { measureSaml, passwordChecksPerSecond, passwordSignIns } from './sign-in';
import { formatSpread, meets, meetsAtMost, pairedOrder, roundRatios, round2, spread, type Spread } from './stats';

function argument(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  if (i === -1) return undefined;
  const value = process.argv[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

const root = path.resolve(import.meta.dirname, '..', '..');
const VS = argument('--vs');
const SECONDS = Number(process.env.BENCH_SECONDS ?? (VS ? 3 : 5));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (VS ? 24 : 5));
/** Each warming load (see warm in measure.ts: until two in a row agree). */
const WARM_SECONDS = 3;
const LARGE_USERS = Number(process.env.BENCH_USERS ?? 100_000);
const TOKENS_PER_USER = 10;
const PASSWORD = `bench-${randomBytes(8).toString('hex')}`;
/** Issue 18's targets: ratios at least, p99 ÷ p50 at most, memory and TTFB at most, SAML at least (first-load JS: pages.ts). */
const TARGETS = { gate: 0.95, scale: 0.95, tail: 2, vs: 0.95, sqliteMemoryMiB: 300, ttfbMs: 100, samlPerCore: 500 };
const CACHE_DIR = path.join(root, 'bench', 'cache');

type Row = [string, string, string];

const rounded = (s: Spread): Spread => ({ ...s, median: round2(s.median), low: round2(s.low), high: round2(s.high) });

/** Requests per second of `numerator` ÷ `denominator`, round by round. */
function ratio(numerator: Measured, denominator: Measured): Spread {
  return rounded(spread(roundRatios(numerator.rounds.map((l) => l.rps), denominator.rounds.map((l) => l.rps))));
}

/** p99 ÷ p50 at CONNECTIONS connections, round by round: how far the slowest 1% stray from the middle. */
function tail(measured: Measured): Spread {
  return rounded(spread(measured.rounds.map((l) => l.p99 / l.p50)));
}

function verdict(figure: Spread, target: number): string {
  return `${meets(figure, target) ? 'met' : 'MISSED'} (target ≥ ${target} at the low end, ${Math.round(figure.confidence * 100)}% interval)`;
}

function atMostVerdict(figure: Spread, target: number): string {
  return `${meetsAtMost(figure, target) ? 'met' : 'MISSED'} (target ≤ ${target} at the high end, ${Math.round(figure.confidence * 100)}% interval)`;
}

/** A figure measured once, against a bound. */
function bound(value: number, target: number, direction: 'at most' | 'at least'): string {
  const met = direction === 'at most' ? value <= target : value >= target;
  return `${met ? 'met' : 'MISSED'} (${direction === 'at most' ? '≤' : '≥'} ${target})`;
}

function loadRow(name: string, measured: Measured): Row {
  const s = summarize(measured);
  const cpu = s.cpu_ms_per_request === undefined ? '' : `, ${s.cpu_ms_per_request} ms CPU/request`;
  const one = s.one_connection;
  return [
    name,
    `${s.rps} req/s`,
    `p50 ${s.p50} ms, p99 ${s.p99} ms (1 connection: p50 ${one.p50}, p99 ${one.p99})${cpu}, machine ${Math.round(s.machine_busy * 100)}% busy, warmed in ${s.warming_rps.length} loads`,
  ];
}

/** A copy of a seeded file for one server in `dir`, so that every server starts from the same rows. */
function copyFor(file: string, dir: string, label: string): string {
  const copy = path.join(dir, path.basename(file).replace(/\.db$/, `-${label}.db`));
  fs.copyFileSync(file, copy);
  return copy;
}

/** What to stop if the bench is interrupted: servers and the cluster, in reverse order of start. */
const atExit: (() => Promise<void>)[] = [];
function stopAtExit(stoppable: { stop: () => Promise<void> }) {
  atExit.push(() => stoppable.stop());
}

/** A server's address, and its process when the bench started it (for its CPU time). */
type Endpoint = { url: string; server?: Server };

/**
 * The gate and scale rounds on one engine: /healthz and /v1/me on the small database, /v1/me on
 * the large one, and `extra` targets (/v1/me with the small database's token) in the same rounds.
 * Adds the engine's rows to the table; returns the measurements and the figures for the JSON.
 */
async function gateAndScale(
  engine: 'SQLite' | 'PostgreSQL',
  { small, large, smallSeed, largeSeed, rows, extra = {} }: { small: Server; large: Server; smallSeed: SmallSeed; largeSeed: LargeSeed; rows: Row[]; extra?: Record<string, Endpoint> },
) {
  // The small database's 10 tokens, and 10,000 of the large one's, each sent in turn.
  const smallTokens = smallSeed.apiTokens;
  const measured = (await interleavedRounds(
    {
      bare: { url: `${small.url}/healthz`, server: small },
      gated: { url: `${small.url}/v1/me`, tokens: smallTokens, server: small },
      large: { url: `${large.url}/v1/me`, tokens: largeSeed.sampleTokens, server: large },
      ...Object.fromEntries(Object.entries(extra).map(([name, { url, server }]) => [name, { url: `${url}/v1/me`, tokens: smallTokens, server }])),
    },
    { rounds: ROUNDS, seconds: SECONDS, warmSeconds: WARM_SECONDS },
  )) as Record<'bare' | 'gated' | 'large', Measured> & Record<string, Measured>;
  const gate = ratio(measured.gated, measured.bare);
  const scale = ratio(measured.large, measured.gated);
  const tails = { small: tail(measured.gated), large: tail(measured.large) };
  const tokens = largeSeed.tokens.toLocaleString('en');
  rows.push(
    loadRow(`${engine}: GET /healthz (no gate)`, measured.bare),
    loadRow(`${engine}: GET /v1/me, its 10 tokens in turn (100-CIDR org allowlist)`, measured.gated),
    [`${engine}: gate ratio`, formatSpread(gate), verdict(gate, TARGETS.gate)],
    loadRow(`${engine}: GET /v1/me, ${tokens} tokens, 10,000 of them in turn`, measured.large),
    [`${engine}: scale ratio`, formatSpread(scale), verdict(scale, TARGETS.scale)],
    [`${engine}: p99 ÷ p50, GET /v1/me, 10 tokens`, formatSpread(tails.small), atMostVerdict(tails.small, TARGETS.tail)],
    [`${engine}: p99 ÷ p50, GET /v1/me, ${tokens} tokens`, formatSpread(tails.large), atMostVerdict(tails.large, TARGETS.tail)],
  );
  const tailJson = (figure: Spread) => ({ ratio: figure, target: TARGETS.tail, met: meetsAtMost(figure, TARGETS.tail) });
  return {
    measured,
    gate: { bare: summarize(measured.bare), gated: summarize(measured.gated), ratio: gate, target: TARGETS.gate, met: meets(gate, TARGETS.gate) },
    scale: { large: summarize(measured.large), ratio: scale, target: TARGETS.scale, met: meets(scale, TARGETS.scale) },
    tail: { small: tailJson(tails.small), large: tailJson(tails.large) },
  };
}

/**
 * Every page's first-load JavaScript (scripts/bench/pages.ts) on the small database's server,
 * after its other figures (the pages need a project, a service and an application user more),
 * and /setup on a server of its own whose database is empty.
 */
async function firstLoadOfEveryPage(small: Server, smallSeed: SmallSeed) {
  const values = await pageValues(small.url, smallSeed);
  const empty = await startServer({ cwd: root, database: smallSeed.file.replace(/\.db$/, '-empty.db') });
  stopAtExit(empty);
  try {
    return await measurePages({ url: small.url, setupUrl: empty.url, adminSession: smallSeed.adminSession, values });
  } finally {
    await empty.stop();
  }
}

async function sqlitePhase(dir: string, smallSeed: SmallSeed, largeSeed: LargeSeed, idp: TestIdp, passwordHash: string, rows: Row[]) {
  const small = await startServer({ cwd: root, database: copyFor(smallSeed.file, dir, 'sqlite') });
  stopAtExit(small);
  const large = await startServer({ cwd: root, database: copyFor(largeSeed.file, dir, 'sqlite') });
  stopAtExit(large);
  try {
    const { gate, scale, tail: tails } = await gateAndScale('SQLite', { small, large, smallSeed, largeSeed, rows });
    const memory = { small_rss_anon_mib: small.rssAnonMiB(), large_rss_anon_mib: large.rssAnonMiB(), target_mib: TARGETS.sqliteMemoryMiB };
    rows.push([
      'SQLite: server memory (RssAnon)',
      `${memory.large_rss_anon_mib} MiB at ${largeSeed.tokens.toLocaleString('en')} tokens`,
      `${bound(memory.large_rss_anon_mib, TARGETS.sqliteMemoryMiB, 'at most')}; ${memory.small_rss_anon_mib} MiB small`,
    ]);

    const page = await pageTiming(small.url, '/profile/tokens', smallSeed.pageUserSession);
    rows.push(['Profile → Tokens, 1,001 tokens', `TTFB ${page.ttfb} ms`, `${bound(page.ttfb, TARGETS.ttfbMs, 'at most')}; load ${page.load} ms`]);
    const js = await firstLoadOfEveryPage(small, smallSeed);
    for (const { route, kb } of js) {
      rows.push([`First-load JS ${route}`, `${kb} kB gzip`, bound(kb, FIRST_LOAD_BUDGET_KB, 'at most')]);
    }
    const checks = await passwordChecksPerSecond(passwordHash, PASSWORD);
    const signIns = await passwordSignIns(small.url, 'bench@example.test', PASSWORD);
    const saml = await measureSaml(small.url, smallSeed.accountId, smallSeed.samlMethodId, idp, Number(process.env.BENCH_SAML_RESPONSES ?? 1500), os.cpus().length * 2);
    rows.push(
      ['argon2id verifications, one core', `${checks} /s`, ''],
      [`Password sign-ins over HTTP (${signIns.connections} connections)`, `${signIns.per_second} /s`, signIns.non2xx ? `${signIns.non2xx} refused` : ''],
      ['SAML response validations, one core (in process)', `${saml.validations_per_second_one_core} /s`, bound(saml.validations_per_second_one_core, TARGETS.samlPerCore, 'at least')],
      [`SAML ACS sign-ins over HTTP (${saml.connections} connections)`, `${saml.acs_responses_per_second} /s`, saml.refused ? `${saml.refused} refused` : 'each a new session'],
    );
    return {
      gate,
      scale: { tokens_small: 10, tokens_large: largeSeed.tokens, users_large: largeSeed.users, ...scale },
      tail: tails,
      memory,
      console_page: { path: '/profile/tokens', tokens: 1001, ttfb_ms: page.ttfb, load_ms: page.load, target_ttfb_ms: TARGETS.ttfbMs },
      first_load_js_kb_gzip: Object.fromEntries(js.map(({ route, kb }) => [route, kb])),
      first_load_js_target_kb: FIRST_LOAD_BUDGET_KB,
      password: { argon2id: 'm=19456 KiB, t=2, p=1', verifications_per_second_one_core: checks, http_sign_ins: signIns },
      saml: { ...saml, target_per_core: TARGETS.samlPerCore },
    };
  } finally {
    await small.stop();
    await large.stop();
  }
}

/** This build against another commit's, on copies of the same SQLite files, alternately. */
async function versusPhase(dir: string, ref: string, smallSeed: SmallSeed, largeSeed: LargeSeed, rows: Row[]) {
  const base = builtCheckout(root, ref);
  const servers: Server[] = [];
  try {
    const start = async (cwd: string, file: string, label: string) => {
      const server = await startServer({ cwd, database: copyFor(file, dir, label) });
      servers.push(server);
      stopAtExit(server);
      return server;
    };
    const baseSmall = await start(base.dir, smallSeed.file, 'base');
    const headSmall = await start(root, smallSeed.file, 'head');
    const baseLarge = await start(base.dir, largeSeed.file, 'base');
    const headLarge = await start(root, largeSeed.file, 'head');
    const small = smallSeed.apiTokens;
    const large = largeSeed.sampleTokens;
    const loads = await interleavedRounds(
      {
        baseGate: { url: `${baseSmall.url}/v1/me`, tokens: small, server: baseSmall },
        headGate: { url: `${headSmall.url}/v1/me`, tokens: small, server: headSmall },
        baseScale: { url: `${baseLarge.url}/v1/me`, tokens: large, server: baseLarge },
        headScale: { url: `${headLarge.url}/v1/me`, tokens: large, server: headLarge },
      },
      // The same server's rate moves by ±10% from one load to the next on this kind of machine:
      // many short pairs, each measured back to back, and the median's confidence interval.
      { rounds: ROUNDS, seconds: SECONDS, warmSeconds: WARM_SECONDS, order: pairedOrder },
    );
    const gate = ratio(loads.headGate, loads.baseGate);
    const scale = ratio(loads.headScale, loads.baseScale);
    const label = `${ref} (${base.sha.slice(0, 7)})`;
    rows.push(
      loadRow(`vs: ${label}, GET /v1/me, 10 tokens`, loads.baseGate),
      loadRow('vs: this build, GET /v1/me, 10 tokens', loads.headGate),
      [`vs: gate req/s, this build ÷ ${label}`, formatSpread(gate), verdict(gate, TARGETS.vs)],
      loadRow(`vs: ${label}, GET /v1/me, ${largeSeed.tokens.toLocaleString('en')} tokens`, loads.baseScale),
      loadRow(`vs: this build, GET /v1/me, ${largeSeed.tokens.toLocaleString('en')} tokens`, loads.headScale),
      [`vs: scale req/s, this build ÷ ${label}`, formatSpread(scale), verdict(scale, TARGETS.vs)],
    );
    return {
      ref,
      sha: base.sha,
      gate: { base: summarize(loads.baseGate), head: summarize(loads.headGate), ratio: gate, target: TARGETS.vs, met: meets(gate, TARGETS.vs) },
      scale: { base: summarize(loads.baseScale), head: summarize(loads.headScale), ratio: scale, target: TARGETS.vs, met: meets(scale, TARGETS.vs) },
    };
  } finally {
    for (const server of servers) await server.stop();
  }
}

/**
 * PostgreSQL (durable, as installed): the same gate and scale rounds, and in the same rounds
 * GET /v1/me through nginx to two instances and to the first alone.
 */
async function postgresPhase(dir: string, smallSeed: SmallSeed, largeSeed: LargeSeed, rows: Row[]) {
  let largeUrl = '';
  let restored = false;
  const copies: Record<string, number> = {};
  const cluster = await startCluster({
    dir: path.join(dir, 'cluster'),
    count: 2,
    firstAlone: true,
    durable: true,
    prepare: async (url) => {
      copies.small = (await copyIntoPostgres(smallSeed.file, url)).seconds;
      // The large copy takes minutes: a pg_dump of it is kept beside the SQLite seed it came from.
      const copied = await copyIntoPostgres(largeSeed.file, url, { create: 'bench_large', dump: `${largeSeed.file}.pgdump` });
      largeUrl = copied.url;
      copies.large = copied.seconds;
      restored = copied.restored;
    },
  });
  stopAtExit(cluster);
  const servers: Server[] = [];
  try {
    // Gate and scale on servers of their own, started like the SQLite ones (the cluster's
    // instances run under npx, whose child is the server: its CPU time is not read).
    const small = await startServer({ cwd: root, database: cluster.databaseUrl });
    servers.push(small);
    stopAtExit(small);
    const large = await startServer({ cwd: root, database: largeUrl });
    servers.push(large);
    stopAtExit(large);
    const { measured: loads, gate, scale, tail: tails } = await gateAndScale('PostgreSQL', {
      small,
      large,
      smallSeed,
      largeSeed,
      rows,
      extra: { one: { url: cluster.firstAloneUrl! }, two: { url: cluster.url } },
    });
    const instances = ratio(loads.two!, loads.one!);
    const memory = { large_rss_anon_mib: large.rssAnonMiB() };
    rows.push(
      ['PostgreSQL: server memory (RssAnon)', `${memory.large_rss_anon_mib} MiB`, `at ${largeSeed.tokens.toLocaleString('en')} tokens`],
      loadRow('PostgreSQL: nginx → one instance, GET /v1/me', loads.one!),
      loadRow('PostgreSQL: nginx → two instances, GET /v1/me', loads.two!),
      ['PostgreSQL: two instances ÷ one', formatSpread(instances), 'the load generator, nginx and PostgreSQL share the same cores'],
    );
    return {
      copy_seconds: copies,
      large_restored_from_cache: restored,
      gate,
      scale,
      tail: tails,
      memory,
      instances: { one: summarize(loads.one!), two: summarize(loads.two!), ratio: instances },
    };
  } finally {
    for (const server of servers) await server.stop();
    await cluster.stop();
  }
}


async function main() {
  const started = Date.now();
  const built = ensureBuild(root);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-bench-'));
  const cleanUp = async () => {
    for (const stop of atExit.splice(0).reverse()) await stop().catch(() => undefined);
    // The cluster's data may live in a folder of its own under /tmp (scripts/postgres.sh), linked from here.
    const postgresDir = path.join(dir, 'cluster', 'postgres');
    if (fs.existsSync(postgresDir) && fs.lstatSync(postgresDir).isSymbolicLink()) fs.rmSync(fs.realpathSync(postgresDir), { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // Stopped by a signal (Ctrl-C, a CI timeout): the servers, the cluster and the folder go too.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.error(`\n${signal}: stopping the bench's servers`);
      void cleanUp().finally(() => process.exit(130));
    });
  }
  try {
    const passwordHash = await hashPassword(PASSWORD);
    const idp = await TestIdp.create('https://bench-idp.example.test/saml');
    const smallSeed = await seedSmall(path.join(dir, 'small.db'), passwordHash, idp);
    const largeSeed = await cachedLargeSeed(root, CACHE_DIR, passwordHash, LARGE_USERS, TOKENS_PER_USER);
    const rows: Row[] = [];
    const phases = VS
      ? { vs: await versusPhase(dir, VS, smallSeed, largeSeed, rows) }
      : { sqlite: await sqlitePhase(dir, smallSeed, largeSeed, idp, passwordHash, rows), postgres: await postgresPhase(dir, smallSeed, largeSeed, rows) };

    const results = {
      time: new Date().toISOString(),
      machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model ?? 'unknown', memory_gib: Math.round(os.totalmem() / 2 ** 30), node: process.version },
      settings: { rounds: ROUNDS, seconds_per_load: SECONDS, connections: CONNECTIONS },
      build: built ? 'built' : 'reused (same inputs)',
      seed: { tokens_large: largeSeed.tokens, users_large: largeSeed.users, seconds: largeSeed.seconds, cached: largeSeed.cached, sqlite_mib_per_million_tokens: Math.round((largeSeed.bytes / 2 ** 20 / (largeSeed.tokens / 1e6)) * 10) / 10 },
      ...phases,
      seconds: Math.round((Date.now() - started) / 1000),
    };

    const width = Math.max(...rows.map((r) => r[0].length));
    console.log(`\nPortcullis benchmark, ${results.machine.cpus} × ${results.machine.model}, Node ${process.version}`);
    console.log(`${ROUNDS} interleaved rounds of ${SECONDS} s per figure at ${CONNECTIONS} connections; ratios: median of the rounds (its confidence interval)\n`);
    for (const [name, value, note] of rows) console.log(`${name.padEnd(width)}  ${value.padEnd(20)}  ${note}`);
    console.log(`\n(${results.seconds} s in all)`);

    const outDir = path.join(root, 'bench', 'results');
    fs.mkdirSync(outDir, { recursive: true });
    const json = `${JSON.stringify(results, null, 2)}\n`;
    const name = VS ? `vs-${phases.vs!.sha.slice(0, 7)}-` : '';
    fs.writeFileSync(path.join(outDir, `${name}${results.time.replace(/[:.]/g, '-')}.json`), json);
    fs.writeFileSync(path.join(outDir, VS ? `vs-${phases.vs!.sha.slice(0, 7)}-latest.json` : 'latest.json'), json);
  } finally {
    await cleanUp();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
