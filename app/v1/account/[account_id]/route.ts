import { AppError } from '@/lib/errors';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { deleteAccount, updateAccount } from '@/lib/orgs/accounts';
import { accountToWire } from '@/lib/orgs/wire';

// The gate resolved {account_id} to the caller's membership (404 for anyone else) and checked
// that organization's policy and allowlist.

// GET /v1/account/{account_id}
export const GET = authedRoute(async ({ organization }) => {
  if (!organization) throw new AppError('not_found', 'Account not found');
  return { account: accountToWire(organization) };
});

// PUT /v1/account/{account_id}: {account_name} renames the organization (super admins).
export const PUT = authedRoute(async ({ ctx, principal, meta, organization, request }) => ({
  account: accountToWire(updateAccount({ ctx, principal, meta, membership: organization, input: await readJson(request) })),
}));

// DELETE /v1/account/{account_id} (super admins; refused while it holds projects).
export const DELETE = authedRoute(async ({ ctx, principal, meta, organization }) => {
  deleteAccount({ ctx, principal, meta, membership: organization });
  return {};
});

const notAllowed = methodNotAllowed(['GET', 'PUT', 'DELETE']);
export { notAllowed as POST, notAllowed as PATCH };
