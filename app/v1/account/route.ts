import { apiRoute, readJson } from '@/lib/api/handler';
import { createAccount } from '@/lib/organizations/accounts';
import { listUnitsOf } from '@/lib/organizations/units';
import { accountToWire, anyAccountToWire, unitToWire } from '@/lib/organizations/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/account', {
  // POST /v1/account: creates an organization (the caller becomes its super admin), or with
  // parent_account_id an organizational unit under one (its super admins only).
  POST: async ({ ctx, principal, meta, request }) => ({
    account: anyAccountToWire(await createAccount({ ctx, principal, meta, input: await readJson(request) })),
  }),

  // GET /v1/account: the organizations the caller belongs to, each followed by its units.
  GET: async ({ ctx, principal }) => {
    const units = await listUnitsOf(ctx, principal.memberships.map((m) => m.organization.id));
    return {
      accounts: principal.memberships.flatMap((membership) => [
        accountToWire(membership),
        ...units.filter((u) => u.organizationId === membership.organization.id).map((unit) => unitToWire({ unit, membership })),
      ]),
    };
  },
});
