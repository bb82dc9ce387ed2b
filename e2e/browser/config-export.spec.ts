import { readFile } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { expect, login, test, auth } from '../support/fixtures';
import { createProjectWithService } from '../support/services';
import { seedOrgMember, unique } from '../support/seed';
import { servers } from '../support/env';
import { readProperties } from '@/lib/testing/properties-reader';

// Service page → Apply to your cluster: the broker properties the saved OAUTHBEARER settings
// mean, a Kafka version choice (4.x adds the allowed.urls JVM property), Copy and Download; for
// OpenSearch, config.yml with the signing key only for those who may change the service.

const JWKS = 'https://idp.example.com/.well-known/jwks.json';

test('Kafka: the properties, 3.9 vs 4.x, copy and download', async ({ page, context, member, signInAs, request }, testInfo) => {
  const project = unique('stream').toLowerCase();
  const token = await login(request, member.email, member.password);
  await createProjectWithService(request, token, { project, service: { service_name: 'events', service_type: 'kafka', plan: 'startup-2' } });
  const saved = await request.put(`/v1/project/${project}/service/events`, {
    headers: { ...auth(token), 'content-type': 'application/json' },
    data: { user_config: { kafka: { sasl_oauthbearer_jwks_endpoint_url: JWKS, sasl_oauthbearer_expected_audience: 'kafka-prod', sasl_oauthbearer_expected_issuer: 'https://idp.example.com/' } } },
  });
  expect(saved.status()).toBe(200);

  await signInAs(member);
  await page.goto(`/projects/${project}/services/events?kafka_version=3.9`);
  const section = page.getByRole('region', { name: 'Apply to your cluster' });
  const versions = section.getByRole('navigation', { name: 'Kafka version' });
  await expect(versions.getByRole('link', { name: 'Apache Kafka 3.9' })).toHaveAttribute('aria-current', 'page');
  const file = section.locator('pre');
  await expect(file).toContainText(`sasl.oauthbearer.jwks.endpoint.url=${JWKS}`);
  await expect(file).toContainText('listener.name.sasl_ssl.oauthbearer.sasl.server.callback.handler.class=org.apache.kafka.common.security.oauthbearer.OAuthBearerValidatorCallbackHandler');
  await expect(file).toContainText('https://kafka.apache.org/39/documentation.html#brokerconfigs');
  await expect(file).not.toContainText('allowed.urls');

  await versions.getByRole('link', { name: 'Apache Kafka 4.x' }).click();
  await expect(versions.getByRole('link', { name: 'Apache Kafka 4.x' })).toHaveAttribute('aria-current', 'page');
  await expect(file).toContainText(`KAFKA_OPTS='-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=${JWKS}'`);
  await expect(file).toContainText('https://kafka.apache.org/40/documentation.html#brokerconfigs');
  await section.screenshot({ path: testInfo.outputPath('config-export.png') });

  const [download] = await Promise.all([page.waitForEvent('download'), section.getByRole('link', { name: 'Download' }).click()]);
  expect(download.suggestedFilename()).toBe('events-kafka-4-oauthbearer.properties');
  const text = await readFile(await download.path(), 'utf8');
  expect(text).toBe(await file.textContent());
  expect(readProperties(text).get('sasl.oauthbearer.expected.audience')).toBe('kafka-prod');
  expect(text).toContain('-Dorg.apache.kafka.sasl.oauthbearer.allowed.urls=');

  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await section.getByRole('button', { name: 'Copy' }).click();
  await expect(section.getByRole('button', { name: 'Copied' })).toBeVisible();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(text);
});

test('OpenSearch: a plain member sees the config.yml with the signing key hidden; unsaved Kafka says not configured', async ({ page, member, signInAs, request }) => {
  const project = unique('search').toLowerCase();
  const token = await login(request, member.email, member.password);
  // In the organization (not standalone), so that its plain member reaches it.
  const accountId = (await (await request.get('/v1/account', { headers: auth(token) })).json()).accounts[0].account_id as string;
  await createProjectWithService(request, token, { project, accountId, service: { service_name: 'logs', service_type: 'opensearch', plan: 'startup-4' } });
  const secret = randomBytes(32).toString('base64');
  const saved = await request.put(`/v1/project/${project}/service/logs`, {
    headers: { ...auth(token), 'content-type': 'application/json' },
    data: { user_config: { jwt: { enabled: true, signing_key: secret, roles_key: 'roles' } } },
  });
  expect(saved.status()).toBe(200);
  const created = await request.post(`/v1/project/${project}/service`, {
    headers: { ...auth(token), 'content-type': 'application/json' },
    data: { service_name: 'bare', service_type: 'kafka', plan: 'startup-2' },
  });
  expect(created.status()).toBe(200);

  const colleague = await seedOrgMember(servers.main.database, member.organizationId);
  await signInAs(colleague);
  await page.goto(`/projects/${project}/services/logs`);
  const section = page.getByRole('region', { name: 'Apply to your cluster' });
  const file = section.locator('pre');
  await expect(file).toContainText('signing_key: "<signing key: ask an admin>"');
  await expect(file).toContainText('roles_key: roles');
  await expect(file).not.toContainText(secret);
  expect(await page.content()).not.toContain(secret);

  await page.goto(`/projects/${project}/services/bare`);
  await expect(section).toContainText('Service bare is not configured for OAUTHBEARER: set kafka.sasl_oauthbearer_jwks_endpoint_url first (not configured)');
  await expect(section.locator('pre')).toHaveCount(0);
});
