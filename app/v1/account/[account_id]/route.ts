import { AppError } from '@/lib/errors';
import { apiRoute, readJson } from '@/lib/api/handler';
import { deleteAccount, updateAccount } from '@/lib/organizations/accounts';
import { deleteUnit, updateUnit } from '@/lib/organizations/units';
import { accountToWire, unitToWire } from '@/lib/organizations/wire';

// The gate resolved {account_id} to the caller's membership (404 for anyone else) and checked
// that organization's policy and allowlist. An organizational unit's id resolves to its
// organization's membership, with `unit` set.

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/account/{account_id}', {
  // GET /v1/account/{account_id}
  GET: async ({ membership, unit }) => {
    if (!membership) throw new AppError('not_found', 'Account not found');
    return { account: unit ? unitToWire({ unit, membership }) : accountToWire(membership) };
  },

  // PUT /v1/account/{account_id}: {account_name} renames the organization or unit (super admins).
  PUT: async ({ ctx, principal, meta, membership, unit, request }) => {
    const input = await readJson(request);
    if (unit && membership) return { account: unitToWire(await updateUnit({ ctx, principal, meta, target: { unit, membership }, input })) };
    return { account: accountToWire(await updateAccount({ ctx, principal, meta, membership, input })) };
  },

  // DELETE /v1/account/{account_id} (super admins; refused while it holds projects).
  DELETE: async ({ ctx, principal, meta, membership, unit }) => {
    if (unit && membership) await deleteUnit({ ctx, principal, meta, target: { unit, membership } });
    else await deleteAccount({ ctx, principal, meta, membership });
    return {};
  },
});
