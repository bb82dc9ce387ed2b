import { AppError } from '@/lib/errors';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { deleteMethod, getMethod, updateMethod } from '@/lib/saml/methods';
import { publicBaseUrl } from '@/lib/http/public-url';
import { methodToWire } from '@/lib/saml/wire';

const methodIdOf = (params: Record<string, string | string[] | undefined>) => String(params.method_id ?? '');

// GET /v1/account/{account_id}/authentication/{authentication_method_id}
export const GET = authedRoute(async ({ ctx, organization: membership, params }) => {
  if (!membership) throw new AppError('not_found', 'Account not found');
  return { authentication_method: methodToWire(getMethod({ ctx, membership }, methodIdOf(params)), membership.organization, publicBaseUrl()) };
});

// PUT /v1/account/{account_id}/authentication/{authentication_method_id}: partial update, enable/disable.
export const PUT = authedRoute(async ({ ctx, principal, organization: membership, meta, params, request }) => {
  if (!membership) throw new AppError('not_found', 'Account not found');
  const view = updateMethod({ ctx, principal, membership, meta, methodId: methodIdOf(params), input: await readJson(request) });
  return { authentication_method: methodToWire(view, membership.organization, publicBaseUrl()) };
});

// DELETE /v1/account/{account_id}/authentication/{authentication_method_id}
export const DELETE = authedRoute(async ({ ctx, principal, organization: membership, meta, params }) => {
  if (!membership) throw new AppError('not_found', 'Account not found');
  const ended = deleteMethod({ ctx, principal, membership, meta, methodId: methodIdOf(params) });
  return { message: `Authentication method deleted; ${ended} session${ended === 1 ? '' : 's'} signed in through it ended` };
});

const notAllowed = methodNotAllowed(['GET', 'PUT', 'DELETE']);
export { notAllowed as POST, notAllowed as PATCH };
