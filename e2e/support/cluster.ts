import { execFile, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { MIGRATION_LOCK_KEY } from '@/db/postgres';

// Several production servers on one throwaway PostgreSQL cluster behind Debian's nginx as a
// round-robin load balancer, all on 127.0.0.1, for the multi-instance tests (e2e/cluster/).
// Everything runs from the test process: scripts/postgres.sh for the database, `npx tsx
// scripts/server.ts` for each instance (the production build, which /work/e2e-run.sh and npm test
// make first), and nginx with a configuration file written here. Logs and the configuration stay
// in the cluster's folder under .e2e/ for a look afterwards.

const run = promisify(execFile);

/** A port on 127.0.0.1 that nothing listens on right now. */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export type Instance = {
  /** Its own address, bypassing the balancer. */
  url: string;
  port: number;
  /** How nginx names it in $upstream_addr (the X-Upstream response header). */
  upstream: string;
  /** Its stdout and stderr. */
  log: string;
  /** `npx tsx scripts/server.ts`, leader of a process group of its own; a new one after restart(). */
  process: ChildProcess;
};

export type Cluster = {
  dir: string;
  databaseUrl: string;
  /** The balancer's address: PUBLIC_URL of every instance. */
  url: string;
  instances: Instance[];
  /** With `firstAlone`: the balancer's second port, in front of the first instance alone. */
  firstAloneUrl?: string;
  /** How many instances were seen waiting for the migration lock at once (all of them: see startCluster). */
  migrationLockWaiters: number;
  /** nginx's configuration file. */
  nginxConfig: string;
  /** Kills the instance's whole process group with SIGKILL (kill -9, no shutdown) and waits until its port refuses connections. */
  kill: (instance: Instance) => Promise<void>;
  /** Starts a stopped instance again on its port, with the same environment, and waits for its /healthz. */
  restart: (instance: Instance) => Promise<void>;
  stop: () => Promise<void>;
};

/** One port of the balancer and the instances it spreads its requests over. */
export type Listener = { listen: number; upstreams: string[] };

/**
 * The nginx configuration the tests use: round robin, no sticky sessions, X-Upstream on every
 * response. Each listener has a group of instances of its own (the bench gives one port all the
 * instances and another port the first alone, to compare the two through the same balancer).
 */
export function nginxConfiguration({ prefix, listeners }: { prefix: string; listeners: Listener[] }): string {
  const runningAsRoot = process.getuid?.() === 0;
  return `# Written by e2e/support/cluster.ts: a round-robin load balancer for the multi-instance tests.
daemon off;
worker_processes 1;
pid ${prefix}/nginx.pid;
error_log ${prefix}/nginx-error.log warn;
${runningAsRoot ? '# Started as root (CI), the workers would be "nobody", who may not enter this folder.\nuser root;' : ''}

events {
  worker_connections 512;
}

http {
  log_format upstream '$remote_addr "$request" $status upstream=$upstream_addr $request_time';
  access_log ${prefix}/nginx-access.log upstream;
  client_body_temp_path ${prefix}/nginx-tmp/body;
  proxy_temp_path ${prefix}/nginx-tmp/proxy;
  fastcgi_temp_path ${prefix}/nginx-tmp/fastcgi;
  uwsgi_temp_path ${prefix}/nginx-tmp/uwsgi;
  scgi_temp_path ${prefix}/nginx-tmp/scgi;

  # Round robin (nginx's default): no ip_hash, no sticky cookie. An instance that refuses a
  # connection or fails mid-request is skipped for fail_timeout, then tried again.
${listeners.map(({ listen, upstreams }, i) => serverBlock(`portcullis_${i + 1}`, listen, upstreams)).join('\n')}
}
`;
}

function serverBlock(name: string, listen: number, upstreams: string[]): string {
  return `  upstream ${name} {
${upstreams.map((upstream) => `    server ${upstream} max_fails=1 fail_timeout=2s;`).join('\n')}
    keepalive 16;
  }

  server {
    listen 127.0.0.1:${listen};

    location / {
      proxy_pass http://${name};
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $http_host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      # A request that could not reach an instance goes to the next one. A POST or PATCH that
      # was sent and then lost its instance is not sent again (no non_idempotent): nginx cannot
      # know whether it was done, so it answers 502 and the client decides.
      proxy_next_upstream error timeout;
      proxy_connect_timeout 2s;
      # Which instance answered: the tests assert that both did. After a failed try, every
      # instance tried, the one that answered last: "127.0.0.1:1111, 127.0.0.1:2222".
      add_header X-Upstream $upstream_addr always;
    }
  }
`;
}

function tail(file: string, lines = 40): string {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Waits until GET url answers 200, failing early when `child` exits. */
async function waitUntilUp(url: string, child: ChildProcess, log: string, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`${url} exited (${child.exitCode ?? child.signalCode}) before answering:\n${tail(log)}`);
    }
    try {
      const response = await fetch(url);
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${timeoutMs / 1000} s:\n${tail(log)}`);
}

/** Waits until nothing accepts connections on 127.0.0.1:port any more. */
async function waitUntilRefused(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const refused = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(false);
      });
      socket.once('error', () => resolve(true));
    });
    if (refused) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`127.0.0.1:${port} still accepts connections ${timeoutMs / 1000} s after the kill`);
}

/** Starts `command` in a process group of its own (so that stopping it stops its children), output to `log`. */
function startProcess(command: string, args: string[], env: NodeJS.ProcessEnv, log: string): ChildProcess {
  const out = fs.openSync(log, 'a');
  // Playwright's workers set FORCE_COLOR: plain logs, please.
  const { FORCE_COLOR: _color, ...plain } = env;
  const child = spawn(command, args, { cwd: process.cwd(), env: plain, detached: true, stdio: ['ignore', out, out] });
  fs.closeSync(out);
  return child;
}

/** Stops a process group started by startProcess: `signal`, then SIGKILL after 10 s. */
async function stopProcess(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = -child.pid;
  try {
    process.kill(group, signal);
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // Gone meanwhile.
    }
  }, 10_000);
  await exited;
  clearTimeout(timer);
}

/** Waits until `count` sessions wait for the migration lock that `holder` holds; returns how many did. */
async function waitForMigrationLockWaiters(holder: pg.Client, count: number, instances: Instance[], timeoutMs = 120_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  let waiting = 0;
  while (Date.now() < deadline) {
    const { rows } = await holder.query<{ n: number }>(
      "select count(*)::int as n from pg_locks where locktype = 'advisory' and objid = $1::bigint::oid and not granted",
      [MIGRATION_LOCK_KEY],
    );
    waiting = rows[0]!.n;
    if (waiting >= count) return waiting;
    for (const instance of instances) {
      if (instance.process.exitCode !== null) throw new Error(`${instance.upstream} exited before migrating:\n${tail(instance.log)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Only ${waiting} of ${count} instances waited for the migration lock within ${timeoutMs / 1000} s`);
}

/**
 * Starts PostgreSQL, `count` instances of the production server and nginx in front of them, and
 * waits until every instance and the balancer answer /healthz.
 *
 * The instances start together for real: this process takes the migration lock (db/postgres.ts)
 * before they start and lets go only once all of them wait for it, so that they migrate one
 * after the other at the same moment and then run first-run setup from `env` side by side.
 */
export async function startCluster({
  dir,
  count = 2,
  env = {},
  prepare,
  firstAlone = false,
  durable = false,
}: {
  dir: string;
  count?: number;
  env?: Record<string, string>;
  /** Runs once the database answers and before any instance starts (the bench copies its data in). */
  prepare?: (databaseUrl: string) => Promise<void>;
  /** A second port of the balancer that sends everything to the first instance: `firstAloneUrl`. */
  firstAlone?: boolean;
  /** PostgreSQL with fsync and synchronous commits, as installed (the tests turn them off for speed). */
  durable?: boolean;
}): Promise<Cluster> {
  fs.mkdirSync(dir, { recursive: true });
  const balancerPort = await freePort();
  const url = `http://127.0.0.1:${balancerPort}`;
  const firstAlonePort = firstAlone ? await freePort() : undefined;
  const { stdout } = await run('bash', ['scripts/postgres.sh', 'start', path.join(dir, 'postgres')], {
    env: { ...process.env, POSTGRES_DURABLE: durable ? '1' : '' },
  });
  const databaseUrl = stdout.trim().split('\n').at(-1)!;
  const started: ChildProcess[] = [];
  const startInstance = (port: number, log: string) => {
    const child = startProcess(
      'npx',
      ['tsx', 'scripts/server.ts'],
      {
        ...process.env,
        NODE_ENV: 'production',
        NEXT_TELEMETRY_DISABLED: '1',
        DATABASE_URL: databaseUrl,
        HOST: '127.0.0.1',
        PORT: String(port),
        PUBLIC_URL: url,
        TRUSTED_PROXIES: '127.0.0.1/32',
        ...env,
      },
      log,
    );
    started.push(child);
    return child;
  };
  const kill = async (instance: Instance) => {
    await stopProcess(instance.process, 'SIGKILL');
    // npx, the group's leader, is reaped at once; the server's own process, larger, closes its
    // sockets a little later, as it finishes dying.
    await waitUntilRefused(instance.port);
  };
  const restart = async (instance: Instance) => {
    if (instance.process.exitCode === null && instance.process.signalCode === null) throw new Error(`${instance.upstream} is still running`);
    instance.process = startInstance(instance.port, instance.log);
    await waitUntilUp(`${instance.url}/healthz`, instance.process, instance.log);
  };
  const holder = new pg.Client({ connectionString: databaseUrl });
  let holding = false;
  const letGo = async () => {
    if (!holding) return;
    holding = false;
    // Ending the session releases its advisory locks too.
    await holder.end();
  };
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await letGo();
    // The balancer first, then the instances (one restarted is stopped before the balancer:
    // no matter), then the database they use.
    for (const child of started.reverse()) await stopProcess(child);
    await run('bash', ['scripts/postgres.sh', 'stop', path.join(dir, 'postgres')]);
  };
  try {
    await prepare?.(databaseUrl);
    await holder.connect();
    holding = true;
    await holder.query('select pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    const instances: Instance[] = [];
    for (let i = 0; i < count; i++) {
      const port = await freePort();
      const log = path.join(dir, `instance-${i + 1}.log`);
      instances.push({ url: `http://127.0.0.1:${port}`, port, upstream: `127.0.0.1:${port}`, log, process: startInstance(port, log) });
    }
    const migrationLockWaiters = await waitForMigrationLockWaiters(holder, count, instances);
    await letGo();
    for (const instance of instances) await waitUntilUp(`${instance.url}/healthz`, instance.process, instance.log);

    const nginxConfig = path.join(dir, 'nginx.conf');
    fs.mkdirSync(path.join(dir, 'nginx-tmp'), { recursive: true });
    const listeners = [{ listen: balancerPort, upstreams: instances.map((i) => i.upstream) }];
    if (firstAlonePort) listeners.push({ listen: firstAlonePort, upstreams: [instances[0]!.upstream] });
    fs.writeFileSync(nginxConfig, nginxConfiguration({ prefix: dir, listeners }));
    const { stdout: nginx } = await run('bash', ['scripts/nginx.sh', 'path']);
    const nginxLog = path.join(dir, 'nginx.log');
    // -e: the error log before the configuration is read (else nginx tries /var/log/nginx).
    const balancer = startProcess(nginx.trim(), ['-c', nginxConfig, '-p', dir, '-e', path.join(dir, 'nginx-error.log')], process.env, nginxLog);
    started.push(balancer);
    await waitUntilUp(`${url}/healthz`, balancer, path.join(dir, 'nginx-error.log'));
    const firstAloneUrl = firstAlonePort ? `http://127.0.0.1:${firstAlonePort}` : undefined;
    return { dir, databaseUrl, url, firstAloneUrl, instances, migrationLockWaiters, nginxConfig, kill, restart, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}
