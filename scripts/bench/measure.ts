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

/** A URL to load, with the headers each request carries and, when known, the server behind it. */
export type Target = { url: string; headers?: Record<string, string>; server?: Server };

export async function load(target: Target, seconds: number, connections = CONNECTIONS): Promise<Load> {
  const cpuBefore = target.server?.cpuSeconds();
  const machineBefore = machineTicks();
  const result = await autocannon({ url: target.url, connections, duration: seconds, headers: target.headers ?? {} });
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`${target.url}: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  }
  const machineAfter = machineTicks();
  const requests = result.requests.total;
  const machineBusy = Math.round(((machineAfter.busy - machineBefore.busy) / (machineAfter.total - machineBefore.total)) * 100) / 100;
  const measured: Load = { rps: Math.round(result.requests.average), p50: result.latency.p50, p99: result.latency.p99, requests, machineBusy };
  if (cpuBefore !== undefined && requests > 0) {
    measured.cpuMsPerRequest = Math.round(((target.server!.cpuSeconds() - cpuBefore) * 1000 * 100) / requests) / 100;
  }
  return measured;
}

/**
 * Warms every target (JIT, Next's route caches, the database's page cache), then measures each
 * once per round, in an order that rotates from round to round (or `order`'s). Returns each
 * target's loads, one per round, in round order.
 */
export async function interleavedRounds<Name extends string>(
  targets: Record<Name, Target>,
  {
    rounds,
    seconds,
    warmSeconds = 5,
    order = roundOrder,
  }: { rounds: number; seconds: number; warmSeconds?: number; order?: (names: readonly Name[], round: number) => Name[] },
): Promise<Record<Name, Load[]>> {
  const names = Object.keys(targets) as Name[];
  for (const name of names) await load(targets[name], warmSeconds);
  const loads = Object.fromEntries(names.map((name) => [name, [] as Load[]])) as Record<Name, Load[]>;
  for (let round = 0; round < rounds; round++) {
    for (const name of order(names, round)) loads[name].push(await load(targets[name], seconds));
  }
  return loads;
}

/** One line for a target's rounds: median requests per second, latency and CPU per request. */
export function summarizeLoads(loads: Load[]) {
  const cpu = loads.flatMap((l) => (l.cpuMsPerRequest === undefined ? [] : [l.cpuMsPerRequest]));
  return {
    rps: Math.round(median(loads.map((l) => l.rps))),
    p50: median(loads.map((l) => l.p50)),
    p99: median(loads.map((l) => l.p99)),
    ...(cpu.length ? { cpu_ms_per_request: Math.round(median(cpu) * 100) / 100 } : {}),
    machine_busy: median(loads.map((l) => l.machineBusy)),
    rounds_rps: loads.map((l) => l.rps),
  };
}
