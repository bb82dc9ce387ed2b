import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startUnitCluster } from '@/db/postgres-unit-databases';

// Global setup of the vitest project "postgres": one throwaway cluster for the whole run.

declare module 'vitest' {
  export interface ProvidedContext {
    postgresClusterUrl: string;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = path.join(process.cwd(), '.e2e', `postgres-unit-${process.pid}`);
  const cluster = await startUnitCluster(dir);
  project.provide('postgresClusterUrl', cluster.url);
  return cluster.stop;
}
