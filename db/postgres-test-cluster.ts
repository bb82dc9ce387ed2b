import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';
import { openPostgres, type PgDb } from './postgres';
import { startThrowawayCluster, type ThrowawayCluster } from './throwaway-cluster';

// For tests on a real PostgreSQL: one throwaway cluster per test file from scripts/postgres.sh
// (which installs Debian's postgresql when missing), one fresh database per test.

export type TestPostgres = {
  /**
   * A new, empty database on the cluster, and its URL (with the cluster's password). Its text
   * sorts in byte order (the cluster's C.UTF-8) unless `icuLocale` names another (ICU, "en-US").
   */
  freshDatabase: (options?: { icuLocale?: string }) => Promise<string>;
  /** A pool on `url`, ended when the file's tests are done. */
  open: (url: string) => PgDb;
};

/** Starts the cluster before the file's tests and stops and removes it after them. Call at the top level of a test file. */
export function useTestPostgres(name: string): TestPostgres {
  const clusterDir = path.join(process.cwd(), '.e2e', `postgres-${name}-${process.pid}`);
  let cluster: ThrowawayCluster | undefined;
  const opened: PgDb[] = [];
  let databases = 0;

  beforeAll(() => {
    cluster = startThrowawayCluster(clusterDir);
  }, 300_000);

  afterAll(async () => {
    await Promise.all(opened.map((db) => db.$client.end()));
    cluster?.stop();
  }, 60_000);

  return {
    freshDatabase: async ({ icuLocale } = {}) => {
      const database = `test_${++databases}`;
      const admin = new pg.Client({ connectionString: cluster!.url });
      await admin.connect();
      const locale = icuLocale ? ` template template0 locale_provider icu icu_locale '${icuLocale.replace(/'/g, "''")}'` : '';
      await admin.query(`create database ${database}${locale}`);
      await admin.end();
      const url = new URL(cluster!.url);
      url.pathname = `/${database}`;
      return url.toString();
    },
    open: (url) => {
      const db = openPostgres(url);
      opened.push(db);
      return db;
    },
  };
}
