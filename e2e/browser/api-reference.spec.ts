import { expect, test } from '../support/fixtures';
import { screenshotPath } from '../support/env';

// Profile menu → API reference: the OpenAPI document of GET /v1/openapi.json, drawn by our server.

/** A field's cell: its name, and "required" after it where it is. */
const field = (name: string) => new RegExp(`^${name}( required)?$`);

test('the API reference shows every operation from the API description, GET /v1/me with its fields, and the error body', async ({
  page,
  member,
  signInAs,
  shell,
  request,
}) => {
  // Load no script from elsewhere: every request the page makes stays on our server.
  const origins = new Set<string>();
  page.on('request', (r) => origins.add(new URL(r.url()).origin));

  await signInAs(member);
  await shell.profileButton().click();
  await page.getByRole('menuitem', { name: 'API reference' }).click();
  await expect(page.getByRole('heading', { name: 'API reference', level: 1 })).toBeVisible();

  // As many operations as the document has.
  const doc = (await (await request.get('/v1/openapi.json')).json()) as { paths: Record<string, Record<string, unknown>> };
  const count = Object.values(doc.paths).reduce((n, item) => n + Object.keys(item).length, 0);
  await expect(page.getByRole('article', { name: /^(GET|POST|PUT|PATCH|DELETE) \/v1\// })).toHaveCount(count);

  const me = page.getByRole('article', { name: 'GET /v1/me', exact: true });
  await expect(me.getByText('Token scope user:read')).toBeVisible();
  for (const name of ['user', 'user_id', 'real_name', 'auth', 'projects', 'organizations', 'organization_id', 'is_super_admin']) {
    await expect(me.getByRole('cell', { name: field(name) }).first()).toBeVisible();
  }
  await expect(me.getByText('401 No valid token')).toBeVisible();

  // The error body, linked from every error answer.
  await me.getByRole('link', { name: 'Error' }).first().click();
  const error = page.getByRole('article', { name: 'Schema Error' });
  await expect(error).toBeInViewport();
  for (const name of ['message', 'errors', 'error_code', 'status']) await expect(error.getByRole('cell', { name: field(name) }).first()).toBeVisible();

  // A public operation says so; a request body shows the schema the server validates with.
  const userauth = page.getByRole('article', { name: 'POST /v1/userauth', exact: true });
  await expect(userauth.getByText('Public: no token')).toBeVisible();
  await expect(userauth.getByRole('cell', { name: 'email required', exact: true })).toBeVisible();

  await me.evaluate((element) => element.scrollIntoView({ block: 'start' }));
  await page.screenshot({ path: screenshotPath('api-reference') });
  expect([...origins]).toEqual([new URL(page.url()).origin]);
});
