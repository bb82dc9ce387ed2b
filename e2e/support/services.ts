import { expect, type APIRequestContext, type Page } from '@playwright/test';
import { auth } from './fixtures';

/**
 * Creates `project` (in `accountId`, or standalone) and one service in it over /v1, as the user
 * of `token`: the set-up of tests that walk a service's page.
 */
export async function createProjectWithService(
  request: APIRequestContext,
  token: string,
  { project, accountId = null, service }: { project: string; accountId?: string | null; service: { service_name: string; service_type: string; plan: string } },
) {
  const headers = { ...auth(token), 'content-type': 'application/json' };
  expect((await request.post('/v1/project', { headers, data: { project, account_id: accountId } })).status()).toBe(200);
  expect((await request.post(`/v1/project/${project}/service`, { headers, data: service })).status()).toBe(200);
}

/** The OpenSearch service the JWT tests create: `logs` on startup-4. */
export const openSearchLogs = { service_name: 'logs', service_type: 'opensearch', plan: 'startup-4' };

/**
 * Opens the `logs` service of `project`, turns jwt.enabled on in its Advanced configuration and
 * adds the jwt.signing_key option; returns the form.
 */
export async function addJwtSigningKeyOption(page: Page, project: string) {
  await page.goto(`/projects/${project}/services/logs`);
  const config = page.getByRole('form', { name: 'Advanced configuration' });
  await config.getByLabel('Add configuration options').selectOption('jwt.enabled');
  await config.getByLabel('jwt.enabled', { exact: true }).check();
  await config.getByLabel('Add configuration options').selectOption('jwt.signing_key');
  return config;
}
