import fs from 'node:fs';
import autocannon from 'autocannon';
import type { Server } from './servers';
import { median, roundOrder } from './stats';

// Load for `npm run bench`: autocannon against one URL, and rounds that take turns between
// several, so that the figures a ratio compares were measured side by side.

export const CONNECTIONS = 64;

export type Load = {
  rps: number;
  p50: number;
  p99: number;
  requests: number;
  /** How long until every connection had its first answer, before the measured seconds. */
  settleMs: number;
  /** The server's CPU milliseconds per request during the load, when its process is known. */
  cpuMsPerRequest?: number;
  /** How busy the whole machine was during the load (every process, the load generator too), 0 to 1. */
  machineBusy: number;
};

/** Busy and total time of all CPUs so far, from the first line of /proc/stat (in clock ticks). */
function machineTicks(): { busy: number; total: number } {
  const [, ...fields] = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/);
  const ticks = fields.map(Number);
  const idle = ticks[3]! + ticks[4]!; // idle and iowait
  const total = ticks.reduce((a: number, b: number) => a + b, 0);
  return { busy: total - idle, total };
}

/**
 * A URL to load, with the headers each request carries and, when known, the server behind it.
 * With `tokens`, each request sends the next of them as `aivenv1 <token>`, round the list.
 */
export type Target = { url: string; headers?: Record<string, string>; tokens?: readonly string[]; server?: Server };

/** autocannon's request list for a target: one fixed request, or one whose token changes each time. */
function requestsOf(target: Target): autocannon.Request[] | undefined {
  const { tokens } = target;
  if (!tokens?.length) return undefined;
  let next = 0;
  return [{ setupRequest: (request) => ({ ...request, headers: { ...request.headers, authorization: `aivenv1 ${tokens[next++ % tokens.length]}` } }) }];
}

/** The `fraction` quantile of sorted values (nearest rank). */
export function quantile(sorted: readonly number[], fraction: number): number {
  if (sorted.length === 0) throw new Error('quantile of no values');
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(fraction * sorted.length) - 1))]!;
}

/** How long a load may take to get an answer on every connection (and a request to get its answer) before it gives up. */
const MAX_SETTLE_SECONDS = 20;

/**
 * `connections` clients asking `target` without pause, measured for `seconds` once every
 * connection has had its first answer. The wait matters: libuv accepts one new connection per
 * turn of the event loop (libuv/libuv#3696), and a server busy with the connections it already
 * has takes a turn every few tens of milliseconds, so 64 connections opened at once are taken up
 * over one to three seconds, and their first requests wait that long. That is the cost of
 * opening connections in a burst at saturation, not of answering requests: docs/performance.md
 * reports it apart (`settleMs`).
 */
export async function load(target: Target, seconds: number, connections = CONNECTIONS): Promise<Load> {
  const latencies: number[] = [];
  const answered = new Set<unknown>();
  const started = performance.now();
  let window: { start: number; end?: number; cpu?: number; machine: { busy: number; total: number } } | undefined;
  let instance!: autocannon.Instance;
  const finished = new Promise<autocannon.Result>((resolve, reject) => {
    instance = autocannon({ url: target.url, connections, duration: seconds + MAX_SETTLE_SECONDS, timeout: MAX_SETTLE_SECONDS, headers: target.headers ?? {}, requests: requestsOf(target) }, (error, result) =>
      error ? reject(error instanceof Error ? error : new Error(String(error))) : resolve(result),
    );
  });
  instance.on('response', (client: unknown, _status: number, _bytes: number, responseTime: number) => {
    const now = performance.now();
    if (!window) {
      answered.add(client);
      if (answered.size < connections) return;
      window = { start: now, cpu: target.server?.cpuSeconds(), machine: machineTicks() };
      setTimeout(() => {
        window!.end = performance.now();
        instance.stop();
      }, seconds * 1000);
      return;
    }
    if (window.end === undefined) latencies.push(responseTime);
  });
  const result = await finished;
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  if (!window?.end) throw new Error(`${target.url}: not every one of ${connections} connections was answered within ${MAX_SETTLE_SECONDS} s`);
  const machineAfter = machineTicks();
  const elapsed = (window.end - window.start) / 1000;
  const sorted = latencies.sort((a, b) => a - b);
  const ms = (v: number) => Math.round(v * 10) / 10;
  const measured: Load = {
    rps: Math.round(latencies.length / elapsed),
    p50: ms(quantile(sorted, 0.5)),
    p99: ms(quantile(sorted, 0.99)),
    requests: latencies.length,
    settleMs: Math.round(window.start - started),
    machineBusy: Math.round(((machineAfter.busy - window.machine.busy) / (machineAfter.total - window.machine.total)) * 100) / 100,
  };
  if (window.cpu !== undefined && latencies.length > 0) {
    measured.cpuMsPerRequest = Math.round(((target.server!.cpuSeconds() - window.cpu) * 1000 * 100) / latencies.length) / 100;
  }
  return measured;
}

/**
 * Loads `target` until two loads in a row agree on the rate within `tolerance` (at most
 * `maxLoads`): a server's first loads are its slowest (V8 compiles as it goes, the database's
 * caches fill): the first 3 s load of a server runs at a third to a half of its later rate, the
 * third is within the machine's noise of the rest. With ±15% of noise from load to load, a
 * tighter tolerance or more loads only made the run longer (runs of 2 December: up to eight
 * loads, the last ones no faster than the fourth).
 */
export async function warm(target: Target, seconds: number, { tolerance = 0.1, maxLoads = 5 } = {}): Promise<number[]> {
  const rates: number[] = [];
  while (rates.length < maxLoads) {
    rates.push((await load(target, seconds)).rps);
    const [before, last] = rates.slice(-2);
    if (rates.length >= 2 && Math.abs(last! - before!) <= tolerance * Math.max(last!, before!)) break;
  }
  return rates;
}

/** What interleavedRounds measured of one target. */
export type Measured = {
  /** One load per round, in round order, at CONNECTIONS connections. */
  rounds: Load[];
  /** The warming loads' rates, before the rounds. */
  warming: number[];
  /** One load at a single connection after the rounds: latency without queueing. */
  single: Load;
};

/**
 * Warms every target until its rate settles (see warm), then measures each once per round, in
 * an order that rotates from round to round (or `order`'s), and last each at one connection.
 */
export async function interleavedRounds<Name extends string>(
  targets: Record<Name, Target>,
  {
    rounds,
    seconds,
    warmSeconds = 3,
    order = roundOrder,
  }: { rounds: number; seconds: number; warmSeconds?: number; order?: (names: readonly Name[], round: number) => Name[] },
): Promise<Record<Name, Measured>> {
  const names = Object.keys(targets) as Name[];
  const warming = {} as Record<Name, number[]>;
  for (const name of names) warming[name] = await warm(targets[name], warmSeconds);
  const loads = Object.fromEntries(names.map((name) => [name, [] as Load[]])) as Record<Name, Load[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of order(names, round)) loads[name].push(await load(targets[name], seconds));
  }
  const measured = {} as Record<Name, Measured>;
  for (const name of names) measured[name] = { rounds: loads[name], warming: warming[name], single: await load(targets[name], seconds, 1) };
  return measured;
}

/** One target's figures for the table and the JSON: medians of its rounds, and its single-connection load. */
export function summarize({ rounds, warming, single }: Measured) {
  const cpu = rounds.flatMap((l) => (l.cpuMsPerRequest === undefined ? [] : [l.cpuMsPerRequest]));
  return {
    rps: Math.round(median(rounds.map((l) => l.rps))),
    p50: median(rounds.map((l) => l.p50)),
    p99: median(rounds.map((l) => l.p99)),
    ...(cpu.length ? { cpu_ms_per_request: Math.round(median(cpu) * 100) / 100 } : {}),
    machine_busy: median(rounds.map((l) => l.machineBusy)),
    settle_ms: median(rounds.map((l) => l.settleMs)),
    rounds_rps: rounds.map((l) => l.rps),
    warming_rps: warming,
    one_connection: { rps: single.rps, p50: single.p50, p99: single.p99 },
  };
}
