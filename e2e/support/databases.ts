import path from 'node:path';

// Where each test server keeps its data: a SQLite file under E2E_DIR, or, when the run is on
// PostgreSQL (scripts/test.sh sets E2E_POSTGRES_URL to a throwaway cluster), a database of
// its own on that cluster. Read from the environment when called: playwright.config.ts sets it
// before the workers start, and the workers (which load the config again) agree.
export type ServerName = 'setup' | 'main' | 'proxied';

export function databaseOf(server: ServerName): string {
  const cluster = process.env.E2E_POSTGRES_URL;
  if (cluster) {
    const url = new URL(cluster);
    url.pathname = `/e2e_${server}`;
    return url.toString();
  }
  return path.join(process.env.E2E_DIR!, `${server}.db`);
}
