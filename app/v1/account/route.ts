import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { createAccount } from '@/lib/orgs/accounts';
import { listUnitsOf } from '@/lib/orgs/units';
import { accountToWire, anyAccountToWire, unitToWire } from '@/lib/orgs/wire';

// POST /v1/account: creates an organization (the caller becomes its super admin), or with
// parent_account_id an organizational unit under one (its super admins only).
export const POST = authedRoute(async ({ ctx, principal, meta, request }) => ({
  account: anyAccountToWire(createAccount({ ctx, principal, meta, input: await readJson(request) })),
}));

// GET /v1/account: the organizations the caller belongs to, each followed by its units.
export const GET = authedRoute(async ({ ctx, principal }) => {
  const units = listUnitsOf(ctx, principal.memberships.map((m) => m.organization.id));
  return {
    accounts: principal.memberships.flatMap((membership) => [
      accountToWire(membership),
      ...units.filter((u) => u.organizationId === membership.organization.id).map((unit) => unitToWire({ unit, membership })),
    ]),
  };
});

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
