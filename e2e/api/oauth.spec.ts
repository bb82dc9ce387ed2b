import { expect, test } from '../support/fixtures';
import { servers } from '../support/env';
import { auditByDetails } from '../support/seed';

// The provider callbacks without a browser: what a forged or replayed callback gets.

test('a callback whose state was not issued here is refused, recorded, and sent to the sign-in page', async ({ request }) => {
  const forged = `forged-${Date.now()}`;
  const response = await request.get(`/api/auth/callback/google?code=abc&state=${forged}`, { maxRedirects: 0 });
  expect(response.status()).toBe(302);
  expect(response.headers().location).toBe(`${servers.main.url}/signin?error=oauth_bad_state&provider=google`);

  const page = await request.get(response.headers().location!);
  expect(await page.text()).toContain('did not belong to a sign-in started here');
  const [event] = await auditByDetails(servers.main.database, 'auth.sign_in_failed', { method: 'google', reason: 'bad_state' });
  expect(event).toMatchObject({ organizationId: null, ip: '127.0.0.1' });
});

test('a provider error on the callback (denied consent) is refused the same way', async ({ request }) => {
  const response = await request.get('/api/auth/callback/microsoft?error=access_denied&error_description=denied&state=x', { maxRedirects: 0 });
  expect(response.headers().location).toBe(`${servers.main.url}/signin?error=oauth_access_denied&provider=microsoft`);
});
