import { randomBytes } from 'node:crypto';
import { auth, expect, login, test } from '../support/fixtures';
import { servers } from '../support/env';
import { seedOrgMember, unique } from '../support/seed';
import { addJwtSigningKeyOption, createProjectWithService, openSearchLogs } from '../support/services';
import { signWith, startServer, startTestIdp } from '@/lib/testing/jwks-server';

// Projects → service → Advanced configuration and the token tester, walked as a person would.
// The identity provider is real: a JWKS server this test starts on 127.0.0.1.

test('Kafka OAuth2/OIDC against a JWKS server: a signed token is accepted, the wrong audience refused', async ({ page, member, signInPage }) => {
  const idp = await startTestIdp({ alg: 'RS256', kid: 'browser-key' });
  try {
    await signInPage.goto();
    await signInPage.signIn(member.email, member.password);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Projects' }).click();

    const project = unique('orders').toLowerCase();
    await page.getByRole('form', { name: 'Create project' }).getByLabel('Project name').fill(project);
    await page.getByRole('button', { name: 'Create project' }).click();
    await expect(page.getByRole('heading', { name: project })).toBeVisible();

    const create = page.getByRole('form', { name: 'Create service' });
    await create.getByLabel('Service name').fill('kafka-orders');
    await create.getByLabel('Plan').selectOption('business-4');
    await create.getByRole('button', { name: 'Create service' }).click();
    await expect(page.getByRole('heading', { name: 'kafka-orders' })).toBeVisible();

    const config = page.getByRole('form', { name: 'Advanced configuration' });
    await config.getByLabel('Add configuration options').selectOption('kafka.sasl_oauthbearer_jwks_endpoint_url');
    const jwksUrl = config.getByLabel('kafka.sasl_oauthbearer_jwks_endpoint_url', { exact: true });
    await expect(config.getByText('Setting it turns on OAuth2/OIDC')).toBeVisible();
    await jwksUrl.fill(idp.jwksUrl);
    await config.getByRole('button', { name: 'Check JWKS endpoint' }).click();
    await expect(config.getByRole('list', { name: 'Keys found' })).toContainText('kid browser-key · alg RS256 · kty RSA');

    await config.getByLabel('Add configuration options').selectOption('kafka.sasl_oauthbearer_expected_audience');
    await config.getByLabel('kafka.sasl_oauthbearer_expected_audience', { exact: true }).fill('kafka-orders');
    await config.getByRole('button', { name: 'Save configuration' }).click();
    const restart = page.getByRole('dialog', { name: 'Restart the Kafka brokers?' });
    await expect(restart).toContainText('rolling restart');
    await restart.getByRole('button', { name: 'Save and restart' }).click();
    await expect(config.getByRole('status').filter({ hasText: 'Saved' })).toHaveText('Saved: 2 options changed');

    const tester = page.getByRole('form', { name: 'Token tester' });
    await tester.getByLabel('Token (JWT)').fill(await idp.sign({ sub: 'svc-orders', aud: 'kafka-orders' }));
    await tester.getByRole('button', { name: 'Test token' }).click();
    await expect(tester.getByRole('status')).toHaveText('Accepted as svc-orders.');
    await expect(tester.getByRole('list', { name: 'Checks' })).toContainText('verified with key browser-key');

    await tester.getByLabel('Token (JWT)').fill(await idp.sign({ sub: 'svc-orders', aud: 'kafka-billing' }));
    await tester.getByRole('button', { name: 'Test token' }).click();
    await expect(tester.getByRole('alert')).toContainText('Refused: Audience: wrong audience: aud is "kafka-billing"; expected "kafka-orders"');
  } finally {
    await idp.close();
  }
});

test('OpenSearch JWT with an HMAC key: a bad key is refused beside the field, the saved one masked', async ({ page, member, signInAs, request }) => {
  // The project and service come through the API; the page is what this test walks.
  const project = unique('search').toLowerCase();
  await createProjectWithService(request, await login(request, member.email, member.password), { project, service: openSearchLogs });

  await signInAs(member);
  const config = await addJwtSigningKeyOption(page, project);
  await config.getByLabel('HMAC').check();
  const key = config.getByLabel('jwt.signing_key', { exact: true });
  await key.fill(Buffer.from('too short').toString('base64'));
  await config.getByRole('button', { name: 'Save configuration' }).click();
  await expect(key).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('[data-option="jwt.signing_key"]')).toContainText('the HMAC secret is 9 bytes; use at least 32 (256 bits)');

  const secret = randomBytes(32);
  await key.fill(secret.toString('base64'));
  await config.getByRole('button', { name: 'Save configuration' }).click();
  await expect(config.getByRole('status')).toHaveText('Saved: 2 options changed');
  await expect(page.locator('[data-option="jwt.signing_key"]')).toContainText(/Saved: HMAC secret, 32 bytes •+ \(sha256 [0-9a-f]{8}\)/);
  await expect(page.getByText(secret.toString('base64'))).toHaveCount(0);

  const tester = page.getByRole('form', { name: 'Token tester' });
  await tester.getByLabel('Token (JWT)').fill(await signWith(secret, 'HS256', { sub: 'alice' }));
  await tester.getByRole('button', { name: 'Test token' }).click();
  await expect(tester.getByRole('status')).toHaveText('Accepted as alice.');
});

// "Check JWKS endpoint" makes the server fetch a URL the caller typed. A plain member of the
// organization (who may read the service, not change it) replays the server action the admin's
// page sent, with a URL of their choosing: refused, and the server fetches nothing. Before, any
// reader of the project could point the server at any address it reaches.
test('a member who may not change the service cannot make the server fetch a URL through the JWKS check', async ({ page, member, signInAs, request, browser }) => {
  const idp = await startTestIdp({ alg: 'RS256', kid: 'admin-key' });
  let hits = 0;
  const target = await startServer({ '/internal': (_req, res) => (hits++, res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":[]}')) });
  try {
    const adminToken = await login(request, member.email, member.password);
    const accountId = (await (await request.get('/v1/account', { headers: auth(adminToken) })).json()).accounts[0].account_id;
    const project = unique('jwks').toLowerCase();
    await createProjectWithService(request, adminToken, { project, accountId, service: { service_name: 'kafka-1', service_type: 'kafka', plan: 'business-4' } });

    // The admin uses the check, as the page does; the request it sends is the attacker's template.
    await signInAs(member);
    await page.goto(`/projects/${project}/services/kafka-1`);
    const config = page.getByRole('form', { name: 'Advanced configuration' });
    await config.getByLabel('Add configuration options').selectOption('kafka.sasl_oauthbearer_jwks_endpoint_url');
    await config.getByLabel('kafka.sasl_oauthbearer_jwks_endpoint_url', { exact: true }).fill(idp.jwksUrl);
    const sent = page.waitForRequest((r) => r.method() === 'POST' && !!r.headers()['next-action']);
    await config.getByRole('button', { name: 'Check JWKS endpoint' }).click();
    const template = await sent;
    await expect(config.getByRole('list', { name: 'Keys found' })).toContainText('kid admin-key');

    // The member: no button on their page, and the replayed action is refused.
    const colleague = await seedOrgMember(servers.main.database, member.organizationId);
    const context = await browser.newContext({ baseURL: servers.main.url });
    try {
      await context.addCookies([{ name: 'next-auth.session-token', value: await login(request, colleague.email, colleague.password), url: servers.main.url }]);
      const theirs = await context.newPage();
      await theirs.goto(`/projects/${project}/services/kafka-1`);
      await expect(theirs.getByRole('heading', { name: 'kafka-1' })).toBeVisible();
      await expect(theirs.getByRole('button', { name: 'Check JWKS endpoint' })).toHaveCount(0);

      const body = template.postData()!.replace(JSON.stringify(idp.jwksUrl).slice(1, -1), target.url('/internal'));
      expect(body).toContain(target.url('/internal'));
      const replay = await context.request.post(`/projects/${project}/services/kafka-1`, {
        headers: {
          accept: 'text/x-component',
          'content-type': template.headers()['content-type'] ?? 'text/plain;charset=UTF-8',
          'next-action': template.headers()['next-action']!,
          origin: servers.main.url,
        },
        data: body,
      });
      const answer = await replay.text();
      // The action's result (an RSC payload) carries the refusal of lib/projects/manage.ts assertMayChangeProject.
      expect(answer).toMatch(new RegExp(`Only super admins of organization .{1,2}${member.organizationName}.{1,2} may change project ${project}`));
      expect(answer).not.toContain('"ok":true');
      expect(hits).toBe(0);
    } finally {
      await context.close();
    }
  } finally {
    await idp.close();
    await target.close();
  }
});
