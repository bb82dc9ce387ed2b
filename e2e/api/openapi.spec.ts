import { ContractError, isContractChecked, withContractCheck } from '../support/contract';
import { auth, expect, login, test } from '../support/fixtures';
import { openApiContract } from '@/lib/testing/openapi-contract';
import { validate } from '@readme/openapi-parser';

// GET /v1/openapi.json, and the contract check every API test runs through its `request`.

test('the API description is public, valid OpenAPI 3.1, and names this server', async ({ request, baseURL }) => {
  const response = await request.get('/v1/openapi.json');
  expect(response.status()).toBe(200);
  const doc = (await response.json()) as { openapi: string; servers: { url: string }[] };
  expect([doc.openapi, doc.servers]).toEqual(['3.1.0', [{ url: baseURL }]]);
  const result = await validate(doc as Parameters<typeof validate>[0]);
  expect(result.valid).toBe(true);
  // Only its own path is public: below it, or another method, is the API's usual answer.
  expect((await request.get('/v1/openapi.json/x')).status()).toBe(401);
  expect((await request.post('/v1/openapi.json')).status()).toBe(405);
});

test("every API test's request is checked, and an answer the description does not allow fails the test that got it", async ({
  request,
  member,
  playwright,
}) => {
  expect(isContractChecked(request)).toBe(true);
  const token = await login(request, member.email, member.password);
  // The real document, less one field of the organization object: the server's real answer no longer conforms.
  const doc = (await (await request.get('/v1/openapi.json')).json()) as { components: { schemas: Record<string, { properties: Record<string, unknown>; required: string[] }> } };
  delete doc.components.schemas.Organization!.properties.tier;
  doc.components.schemas.Organization!.required = doc.components.schemas.Organization!.required.filter((name) => name !== 'tier');
  const context = await playwright.request.newContext({ baseURL: test.info().project.use.baseURL });
  const strict = withContractCheck(context, openApiContract(doc));
  const path = `/v1/organization/${member.organizationId}`;
  const refused = await strict.get(path, { headers: auth(token) }).then(
    () => null,
    (error: unknown) => error,
  );
  expect(refused).toBeInstanceOf(ContractError);
  expect((refused as Error).message).toBe(
    `GET ${path} → 200: the body does not match the API description (/paths/~1v1~1organization~1{organization_id}/get/responses/200/content/application~1json/schema): body must NOT have additional properties`,
  );
  await context.dispose();
});
