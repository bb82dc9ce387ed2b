import { apiRoute, readJson } from '@/lib/http/api';
import { policyToWire } from '@/lib/policy/policy';
import { readPolicy, updatePolicy } from '@/lib/policy/update';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/config/authentication', {
  // GET /v1/organization/{organization_id}/config/authentication
  GET: async ({ organization }) => policyToWire(readPolicy({ membership: organization })),

  // PATCH /v1/organization/{organization_id}/config/authentication: partial; returns the whole policy.
  PATCH: async ({ ctx, principal, organization, meta, request }) =>
    policyToWire(updatePolicy({ ctx, principal, membership: organization, meta, input: await readJson(request) })),
});
