import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { createAccount } from '@/lib/orgs/accounts';
import { accountToWire } from '@/lib/orgs/wire';

// POST /v1/account: creates an organization; the caller becomes its super admin.
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => ({
  account: accountToWire(createAccount({ ctx, principal, meta, input: await readJson(request) })),
}));

// GET /v1/account: the organizations the caller belongs to, as accounts.
export const GET = authedRoute(async ({ principal }) => ({ accounts: principal.memberships.map(accountToWire) }));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
