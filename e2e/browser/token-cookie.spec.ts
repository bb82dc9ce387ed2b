import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { tokensOf } from '../support/seed';

// A leaked personal token put into the browser's session cookie is not a console session:
// the console would otherwise check no scopes, and Profile → Tokens would mint a token with
// none (see lib/auth/session.ts isConsoleSessionKind).

const SESSION_COOKIE = 'next-auth.session-token';

async function leakedToken(request: Parameters<typeof login>[0], email: string, password: string) {
  const session = await login(request, email, password);
  const response = await request.post('/v1/access_token', {
    headers: { ...auth(session), 'content-type': 'application/json' },
    data: { description: 'leaked', scopes: ['projects:read'] },
  });
  expect(response.status()).toBe(200);
  return (await response.json()).full_token as string;
}

test('a personal token put into the session cookie lands on the sign-in page, and the cookie is gone', async ({ page, context, member, request }) => {
  const leaked = await leakedToken(request, member.email, member.password);
  await context.addCookies([{ name: SESSION_COOKIE, value: leaked, url: servers.main.url, httpOnly: true, sameSite: 'Lax' }]);

  await page.goto('/profile/tokens');
  await expect(page).toHaveURL(/\/signin\?callbackUrl=%2Fprofile%2Ftokens$/);
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
});

test('swapping a signed-in page\'s cookie for a personal token: the Generate token action creates nothing', async ({ page, context, member, request, signInAs }) => {
  await signInAs(member);
  await page.goto('/profile/tokens');
  const form = page.getByRole('form', { name: 'Generate token' });
  await expect(form).toBeVisible();

  const leaked = await leakedToken(request, member.email, member.password);
  const personalBefore = (await tokensOf(servers.main.database, member.userId)).filter((t) => t.kind === 'personal').length;
  await context.addCookies([{ name: SESSION_COOKIE, value: leaked, url: servers.main.url, httpOnly: true, sameSite: 'Lax' }]);

  await form.getByLabel('Description').fill('wide open');
  const actionResponse = page.waitForResponse((r) => r.request().method() === 'POST' && new URL(r.url()).pathname === '/profile/tokens');
  await form.getByRole('button', { name: 'Generate token' }).click();
  // The action's request meets the gate as "not a console session": sent to sign in, the cookie cleared.
  const response = await actionResponse;
  expect(response.status()).toBe(307);
  expect(response.headers()['location']).toMatch(/\/signin\?callbackUrl=%2Fprofile%2Ftokens$/);
  await expect(page.getByTestId('full-token')).toHaveCount(0);
  expect((await context.cookies()).find((c) => c.name === SESSION_COOKIE)).toBeUndefined();
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Sign in' })).toBeVisible();
  expect((await tokensOf(servers.main.database, member.userId)).filter((t) => t.kind === 'personal')).toHaveLength(personalBefore);
  expect((await tokensOf(servers.main.database, member.userId)).some((t) => t.description === 'wide open')).toBe(false);
});
