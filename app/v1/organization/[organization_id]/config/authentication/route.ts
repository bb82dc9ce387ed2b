import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';
import { policyToWire } from '@/lib/policy/policy';
import { readPolicy, updatePolicy } from '@/lib/policy/update';

// GET /v1/organization/{organization_id}/config/authentication
export const GET = authedRoute(async ({ organization }) => policyToWire(readPolicy({ membership: organization })));

// PATCH /v1/organization/{organization_id}/config/authentication: partial; returns the whole policy.
export const PATCH = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  policyToWire(updatePolicy({ ctx, principal, membership: organization, meta, input: await readJson(request) })),
);

const notAllowed = methodNotAllowed(['GET', 'PATCH']);
export { notAllowed as POST, notAllowed as PUT, notAllowed as DELETE };
