import { apiRoute, readJson } from '@/lib/api/handler';
import { policyToWire } from '@/lib/policy/policy';
import { readPolicy, updatePolicy } from '@/lib/policy/update';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/config/authentication', {
  // GET /v1/organization/{organization_id}/config/authentication
  GET: async ({ membership }) => policyToWire(readPolicy({ membership })),

  // PATCH /v1/organization/{organization_id}/config/authentication: partial; returns the whole policy.
  PATCH: async ({ ctx, principal, membership, meta, request }) =>
    policyToWire(await updatePolicy({ ctx, principal, membership, meta, input: await readJson(request) })),
});
