import { test as base, type APIRequestContext } from '@playwright/test';
import { servers } from './env';
import { ConsoleShell, SignInPage } from './pages';
import { seedMember, type SeededMember } from './seed';

type Fixtures = {
  /** A fresh organization on the main server with one super admin who signs in with a password. */
  member: SeededMember;
  signInPage: SignInPage;
  shell: ConsoleShell;
};

export const test = base.extend<Fixtures>({
  // eslint-disable-next-line no-empty-pattern
  member: async ({}, use) => use(await seedMember(servers.main.database)),
  signInPage: async ({ page }, use) => use(new SignInPage(page)),
  shell: async ({ page }, use) => use(new ConsoleShell(page)),
});

export { expect } from '@playwright/test';

/** POST /v1/userauth as avn sends it; returns the new token. */
export async function login(request: APIRequestContext, email: string, password: string, baseURL = servers.main.url) {
  const response = await request.post(`${baseURL}/v1/userauth`, { data: { email, password } });
  if (response.status() !== 200) throw new Error(`login failed: ${response.status()} ${await response.text()}`);
  return ((await response.json()) as { token: string }).token;
}

export const auth = (token: string) => ({ authorization: `aivenv1 ${token}` });
