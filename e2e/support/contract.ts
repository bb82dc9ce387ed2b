import type { APIRequestContext, APIResponse } from '@playwright/test';
import { openApiContract, type ContractCheck } from '@/lib/testing/openapi-contract';
import { servers } from './env';

// The contract check of the API tests: every JSON answer a test receives from /v1 must be what
// GET /v1/openapi.json says for its path, method and status (lib/testing/openapi-contract.ts).
// The request fixture (fixtures.ts) is wrapped: a non-conforming answer fails the test that
// received it, with the path and the validation error.

/** The check, against the document the main server serves (the same code as every server's). */
export async function loadContract(request: APIRequestContext): Promise<ContractCheck> {
  const response = await request.get(`${servers.main.url}/v1/openapi.json`);
  if (response.status() !== 200) throw new Error(`GET /v1/openapi.json: ${response.status()} ${await response.text()}`);
  return openApiContract(await response.json());
}

export class ContractError extends Error {
  override name = 'ContractError';
}

async function verify(check: ContractCheck, method: string, response: APIResponse): Promise<void> {
  const url = new URL(response.url());
  if (!url.pathname.startsWith('/v1/') || method === 'HEAD') return;
  const contentType = response.headers()['content-type'] ?? null;
  const text = await response.text();
  let body: unknown = text;
  if (contentType?.startsWith('application/json')) {
    try {
      body = JSON.parse(text);
    } catch {
      throw new ContractError(`${method} ${url.pathname} → ${response.status()}: the body is not JSON`);
    }
  }
  const problem = check({ method, pathname: url.pathname, status: response.status(), contentType, body });
  if (problem) throw new ContractError(problem);
}

type Options = { method?: string } | undefined;
const METHOD_OF = { get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', delete: 'DELETE', head: 'HEAD' } as const;

const checked = new WeakSet<APIRequestContext>();
/** Whether answers through this request context are checked (the fixture's `request` is). */
export const isContractChecked = (request: APIRequestContext) => checked.has(request);

/** The request context, with every answer checked against the API description. */
export function withContractCheck(request: APIRequestContext, check: ContractCheck): APIRequestContext {
  const wrapped = new Proxy(request, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const fixed = property in METHOD_OF ? METHOD_OF[property as keyof typeof METHOD_OF] : null;
      if (!fixed && property !== 'fetch') return value.bind(target);
      return async (url: unknown, options?: Options) => {
        const response = (await value.call(target, url, options)) as APIResponse;
        const method = fixed ?? (options?.method ?? (typeof url === 'string' ? 'GET' : (url as { method(): string }).method())).toUpperCase();
        await verify(check, method, response);
        return response;
      };
    },
  });
  checked.add(wrapped);
  return wrapped;
}
