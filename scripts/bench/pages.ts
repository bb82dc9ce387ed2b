import path from 'node:path';
import { SERVICE_PLANS } from '@/lib/services/user-config-schema';
import { firstLoadJs } from './browser';
import { consolePages, pagePath } from './first-load';
import type { SmallSeed } from './seed';

// First-load JavaScript of every page of the console (issue 18: at most 150 kB gzipped each):
// the pages under app/(console) signed in as the organization's super admin, the others signed
// out. The list comes from app/ itself, so a new page is measured without anyone adding it here;
// a new dynamic segment needs a value in pageValues (pagePath refuses one without).

/** The budget of issue 18, in kB gzipped (1 kB = 1,024 bytes), for each page. */
export const FIRST_LOAD_BUDGET_KB = 150;

const root = path.resolve(import.meta.dirname, '..', '..');

async function post(url: string, token: string, body: unknown): Promise<Record<string, unknown>> {
  const response = await fetch(url, { method: 'POST', headers: { authorization: `aivenv1 ${token}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const json = (await response.json()) as Record<string, unknown>;
  if (!response.ok) throw new Error(`POST ${url} answered ${response.status}: ${JSON.stringify(json)}`);
  return json;
}

/**
 * The values of the pages' dynamic segments on the small database: a project with a service and
 * an application user, made through /v1 with the super admin's token, beside what seedSmall made.
 * The secrets of the invitation, reset and verification links are not real ones: those pages then
 * show their refusal, and Next still sends every script of the page (it names a page's client
 * chunks whatever the page renders this time).
 */
export async function pageValues(url: string, seed: SmallSeed): Promise<Record<string, string>> {
  const project = 'bench-pages';
  await post(`${url}/v1/project`, seed.apiToken, { project, account_id: seed.accountId });
  await post(`${url}/v1/project/${project}/service`, seed.apiToken, { service_name: 'bench-kafka', service_type: 'kafka', plan: SERVICE_PLANS.kafka[0] });
  const applicationUser = await post(`${url}/v1/organization/${seed.organizationId}/application-users`, seed.apiToken, { name: 'bench pages' });
  return {
    project,
    service: 'bench-kafka',
    accountId: seed.accountId,
    methodId: seed.samlMethodId,
    // /admin/users/[userId] shows a member; /admin/application-users/[userId] an application user.
    userId: seed.pageUserId,
    applicationUserId: String(applicationUser.user_id),
    secret: 'not-a-real-link',
  };
}

export type PageFirstLoad = { route: string; path: string; kb: number };

/**
 * Measures every page: (console) pages on `url` with the admin's session, the others signed out;
 * /setup on `setupUrl`, a server whose database has no organization yet (elsewhere it sends the
 * visitor to /signin).
 */
export async function measurePages({ url, setupUrl, adminSession, values }: { url: string; setupUrl: string; adminSession: string; values: Record<string, string> }): Promise<PageFirstLoad[]> {
  const results: PageFirstLoad[] = [];
  for (const page of consolePages(path.join(root, 'app'))) {
    const filled = { ...values, ...(page.route.startsWith('/admin/application-users/') ? { userId: values.applicationUserId! } : {}) };
    const pathName = pagePath(page.route, filled);
    const base = page.route === '/setup' ? setupUrl : url;
    const { kb } = await firstLoadJs(base, pathName, page.signedIn ? adminSession : undefined);
    results.push({ route: page.route, path: pathName, kb });
  }
  return results;
}
