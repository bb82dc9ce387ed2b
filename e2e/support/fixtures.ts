import { test as base, type APIRequestContext } from '@playwright/test';
import { loadContract, withContractCheck } from './contract';
import { servers } from './env';
import { ConsoleShell, SignInPage } from './pages';
import { seedMember, type SeededMember } from './seed';
import { usedSecret } from './secrets';

type Fixtures = {
  /** A fresh organization on the main server with one super admin who signs in with a password. */
  member: SeededMember;
  signInPage: SignInPage;
  shell: ConsoleShell;
  /** Signs a seeded person in on /signin with their password and waits until the console shows their organization. */
  signInAs: (person: SeededMember) => Promise<void>;
  /** Signs `member` in (as signInAs) and opens `link` of the main navigation (ConsoleShell.open). */
  signInAndOpen: (link: string) => Promise<void>;
};

type WorkerFixtures = {
  /** The API description's contract check (e2e/support/contract.ts), loaded once per worker. */
  apiContract: Awaited<ReturnType<typeof loadContract>>;
};

export const test = base.extend<Fixtures, WorkerFixtures>({
  apiContract: [
    async ({ playwright }, use) => {
      const context = await playwright.request.newContext();
      const check = await loadContract(context);
      await context.dispose();
      await use(check);
    },
    { scope: 'worker' },
  ],
  // Every answer a test receives through `request` is checked against GET /v1/openapi.json.
  request: async ({ request, apiContract }, use) => use(withContractCheck(request, apiContract)),
  member: async ({}, use) => use(await seedMember(servers.main.database)),
  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  shell: async ({ page }, use) => use(new ConsoleShell(page)),
  signInAs: async ({ signInPage, shell }, use) =>
    use(async (person) => {
      await signInPage.goto();
      await signInPage.signIn(person.email, person.password);
      await shell.expectSignedIn(person.organizationName);
    }),
  signInAndOpen: async ({ member, signInAs, shell }, use) =>
    use(async (link) => {
      await signInAs(member);
      await shell.open(link);
    }),
});

export { expect } from '@playwright/test';

/** POST /v1/userauth as avn sends it; returns the new token. */
export async function login(request: APIRequestContext, email: string, password: string, baseURL = servers.main.url) {
  const response = await request.post(`${baseURL}/v1/userauth`, { data: { email, password } });
  if (response.status() !== 200) throw new Error(`login failed: ${response.status()} ${await response.text()}`);
  return usedSecret(((await response.json()) as { token: string }).token);
}

// Every token a test sends through here is noted for the log check (secrets.ts).
export const auth = (token: string) => ({ authorization: `aivenv1 ${usedSecret(token)}` });
