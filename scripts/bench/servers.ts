import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { freePort } from '@/e2e/support/cluster';

// Production servers for `npm run bench`: each one process (node itself, no npx or tsx wrapper
// in between), so that its CPU time and memory can be read from /proc and kill() stops it.

export type Server = {
  url: string;
  pid: number;
  /** CPU seconds (user + system) the server has used so far. */
  cpuSeconds: () => number;
  /** Its anonymous resident memory (heap, stacks, buffers) in MiB: mapped file pages (the SQLite file) left out. */
  rssAnonMiB: () => number;
  stop: () => Promise<void>;
};

const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ, 100 on every Linux the bench runs on

function cpuSeconds(pid: number): number {
  // Fields after the command name, which is in parentheses and may hold spaces: utime and stime
  // are the 14th and 15th fields of the whole line.
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_SECOND;
}

function rssAnonMiB(pid: number): number {
  const match = /^RssAnon:\s+(\d+) kB$/m.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}

/**
 * Starts `scripts/server.ts` of the checkout at `cwd` (this one, or an older build that --vs
 * compares with) on `database` (a SQLite file or a postgres:// URL), and waits for /healthz.
 */
export async function startServer({
  cwd,
  database,
  env = {},
  nodeArgs = [],
}: {
  cwd: string;
  database: string;
  env?: Record<string, string>;
  /** Options for node itself, say `--cpu-prof` (which NODE_OPTIONS does not take). */
  nodeArgs?: string[];
}): Promise<Server> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'scripts/server.ts'], {
    cwd,
    env: { ...process.env, NODE_ENV: 'production', NEXT_TELEMETRY_DISABLED: '1', HOST: '127.0.0.1', PORT: String(port), PUBLIC_URL: url, DATABASE_URL: database, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; i < 240; i++) {
    if (child.exitCode !== null) throw new Error(`the server in ${cwd} on ${database} exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${url}/healthz`)).ok) {
        const pid = child.pid!;
        return { url, pid, cpuSeconds: () => cpuSeconds(pid), rssAnonMiB: () => rssAnonMiB(pid), stop };
      }
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  await stop();
  throw new Error(`the server in ${cwd} on ${database} did not answer /healthz within 2 minutes`);
}
