import { auth, expect, test } from '../support/fixtures';
import { screenshotPath, servers } from '../support/env';
import { setAllowlist, setPolicy } from '../support/seed';

test('create an application user and a token; the token outlives password sign-in, not the allowlist', async ({ page, member, signInAs, shell, request }) => {
  await signInAs(member);
  await shell.nav().getByRole('link', { name: 'Application users' }).click();
  await expect(page.getByRole('heading', { name: 'Application users' })).toBeVisible();
  await expect(page.getByText('never affect their tokens')).toBeVisible();

  const create = page.getByRole('form', { name: 'Create application user' });
  await create.getByRole('button', { name: 'Create application user' }).click();
  await expect(create.getByText('Enter a name')).toBeVisible();
  await create.getByLabel('Name').fill('Terraform');
  await create.getByRole('button', { name: 'Create application user' }).click();
  await expect(page.getByRole('heading', { name: 'Terraform' })).toBeVisible();

  const form = page.getByRole('form', { name: 'Generate token' });
  await form.getByLabel('Description').fill('CI deploys');
  await form.getByLabel('Max age', { exact: true }).selectOption('never');
  await form.getByRole('button', { name: 'Generate token' }).click();
  await expect(page.getByText('It is shown only once and cannot be shown again')).toBeVisible();
  const fullToken = (await page.getByTestId('full-token').textContent())!;
  await page.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId(`app-token-${fullToken.slice(0, 16)}`)).toContainText('CI deploys');
  await page.screenshot({ path: screenshotPath('application-user'), fullPage: true });

  const me = await request.get('/v1/me', { headers: auth(fullToken) });
  expect(me.status()).toBe(200);
  expect((await me.json()).user.real_name).toBe('Terraform');

  // Password sign-in off (the admin's own session would be refused by the guard: set it directly).
  await setPolicy(servers.main.database, member.organizationId, { passwordAuthEnabled: false });
  expect((await request.get('/v1/me', { headers: auth(fullToken) })).status()).toBe(200);
  await setAllowlist(servers.main.database, member.organizationId, ['192.0.2.0/24']);
  expect((await request.get('/v1/me', { headers: auth(fullToken) })).status()).toBe(403);
});

test('deleting an application user says how many tokens go with it', async ({ page, member, signInAs, request }) => {
  await signInAs(member);
  const session = (await page.context().cookies()).find((c) => c.name === 'next-auth.session-token')!.value;
  const appUser = await (
    await request.post(`/v1/organization/${member.organizationId}/application-users`, { data: { name: 'Monitoring' }, headers: auth(session) })
  ).json();
  const tokens = [];
  for (const description of ['a', 'b']) {
    tokens.push(
      (
        await (
          await request.post(`/v1/organization/${member.organizationId}/application-users/${appUser.user_id}/access-tokens`, {
            data: { description },
            headers: auth(session),
          })
        ).json()
      ).full_token,
    );
  }
  await page.goto(`/admin/application-users/${appUser.user_id}`);
  await page.getByRole('button', { name: 'Rename' }).click();
  await page.getByLabel('New name').fill('Monitoring (prod)');
  await page.getByRole('button', { name: 'Save name' }).click();
  await expect(page.getByRole('heading', { name: 'Monitoring (prod)' })).toBeVisible();

  await page.getByRole('button', { name: 'Delete', exact: true }).click();
  await expect(page.getByRole('dialog')).toContainText('Its 2 tokens stop working at once');
  await page.getByRole('dialog').getByRole('button', { name: 'Delete application user' }).click();
  await expect(page).toHaveURL(/\/admin\/application-users$/);
  await expect(page.getByText('Monitoring (prod)')).toHaveCount(0);
  for (const token of tokens) expect((await request.get('/v1/me', { headers: auth(token) })).status()).toBe(401);
});
