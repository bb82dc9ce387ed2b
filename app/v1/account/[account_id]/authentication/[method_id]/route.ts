import { AppError } from '@/lib/errors';
import { apiRoute, readJson } from '@/lib/api/handler';
import { deleteMethod, getMethod, updateMethod } from '@/lib/identity-providers/manage';
import { publicBaseUrl } from '@/lib/http/public-url';
import { methodToWire } from '@/lib/identity-providers/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/account/{account_id}/authentication/{method_id}', {
  // GET /v1/account/{account_id}/authentication/{authentication_method_id}
  GET: async ({ ctx, membership, params }) => {
    if (!membership) throw new AppError('not_found', 'Account not found');
    return { authentication_method: methodToWire(await getMethod({ ctx, membership }, params.method_id), membership.organization, publicBaseUrl()) };
  },

  // PUT /v1/account/{account_id}/authentication/{authentication_method_id}: partial update, enable/disable.
  PUT: async ({ ctx, principal, membership, meta, params, request }) => {
    if (!membership) throw new AppError('not_found', 'Account not found');
    const view = await updateMethod({ ctx, principal, membership, meta, methodId: params.method_id, input: await readJson(request) });
    return { authentication_method: methodToWire(view, membership.organization, publicBaseUrl()) };
  },

  // DELETE /v1/account/{account_id}/authentication/{authentication_method_id}
  DELETE: async ({ ctx, principal, membership, meta, params }) => {
    if (!membership) throw new AppError('not_found', 'Account not found');
    const ended = await deleteMethod({ ctx, principal, membership, meta, methodId: params.method_id });
    return { message: `Authentication method deleted; ${ended} session${ended === 1 ? '' : 's'} signed in through it ended` };
  },
});
