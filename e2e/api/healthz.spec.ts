import { expect, test } from '../support/fixtures';

// GET /healthz is what a load balancer polls: no authentication, and it says whether the
// database answers as well as the process.
test('GET /healthz answers without authentication and names the database', async ({ request }) => {
  const response = await request.get('/healthz');
  expect(response.status()).toBe(200);
  expect(response.headers()['content-type']).toContain('application/json');
  expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
});

test('GET /healthz ignores a bad token rather than refusing: a balancer sends none', async ({ request }) => {
  const response = await request.get('/healthz', { headers: { authorization: 'aivenv1 not-a-token' } });
  expect(response.status()).toBe(200);
  expect(await response.json()).toEqual({ status: 'ok', database: 'ok' });
});
