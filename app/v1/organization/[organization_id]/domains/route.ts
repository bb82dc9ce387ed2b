import { addDomain, listDomains } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { authedRoute, methodNotAllowed, readJson } from '@/lib/http/api';

// POST /v1/organization/{organization_id}/domains
export const POST = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  domainToWire(addDomain({ ctx, principal, membership: organization, meta, input: await readJson(request) })),
);

// GET /v1/organization/{organization_id}/domains
export const GET = authedRoute(async ({ ctx, organization }) => ({
  domains: listDomains({ ctx, membership: organization }).map(domainToWire),
}));

const notAllowed = methodNotAllowed(['GET', 'POST']);
export { notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
