import { AppError } from '@/lib/errors';
import { apiRoute, readJson } from '@/lib/api/handler';
import { createMethod, listMethods } from '@/lib/identity-providers/manage';
import { publicBaseUrl } from '@/lib/http/public-url';
import { methodToWire } from '@/lib/identity-providers/wire';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/account/{account_id}/authentication', {
  // GET /v1/account/{account_id}/authentication: the organization's identity providers (super admins).
  GET: async ({ ctx, membership }) => {
    // The gate resolved the account id to the caller's membership (404 otherwise) and checked it.
    if (!membership) throw new AppError('not_found', 'Account not found');
    const baseUrl = publicBaseUrl();
    return { authentication_methods: (await listMethods({ ctx, membership })).map((view) => methodToWire(view, membership.organization, baseUrl)) };
  },

  // POST /v1/account/{account_id}/authentication: add an identity provider.
  POST: async ({ ctx, principal, membership, meta, request }) => {
    if (!membership) throw new AppError('not_found', 'Account not found');
    const view = await createMethod({ ctx, principal, membership, meta, input: await readJson(request) });
    return { authentication_method: methodToWire(view, membership.organization, publicBaseUrl()) };
  },
});
