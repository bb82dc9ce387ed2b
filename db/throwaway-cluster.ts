import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

// A throwaway PostgreSQL cluster from scripts/postgres.sh (which installs Debian's postgresql
// when missing and listens on 127.0.0.1 only): for the unit tests and the bench.

export type ThrowawayCluster = {
  /** The cluster's URL, with its password made for this run. */
  url: string;
  /** Stops it and removes its files, and the folder under /tmp it may live in behind `dir`. */
  stop: () => void;
};

/** Starts a cluster in `dir`. `durable` keeps fsync and synchronous commits on (the bench's). */
export function startThrowawayCluster(dir: string, { root = process.cwd(), durable = false } = {}): ThrowawayCluster {
  const script = path.join(root, 'scripts', 'postgres.sh');
  const env = durable ? { ...process.env, POSTGRES_DURABLE: '1' } : process.env;
  const output = execFileSync('bash', [script, 'start', dir], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'inherit'] });
  const url = output.trim().split('\n').at(-1)!;
  const stop = () => {
    execFileSync('bash', [script, 'stop', dir], { stdio: 'ignore' });
    if (fs.existsSync(dir)) fs.rmSync(fs.realpathSync(dir), { recursive: true, force: true });
    fs.rmSync(dir, { recursive: true, force: true });
  };
  return { url, stop };
}
