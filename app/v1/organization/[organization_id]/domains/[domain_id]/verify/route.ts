import { verifyDomain } from '@/lib/domains/manage';
import { domainToWire } from '@/lib/domains/wire';
import { authedRoute, methodNotAllowed } from '@/lib/http/api';
import { pathSegment } from '@/lib/http/path';

// POST /v1/organization/{organization_id}/domains/{domain_id}/verify: looks the challenge up
// now. The domain object comes back whatever was found: `state` and `last_check_result` say it.
export const POST = authedRoute(async ({ ctx, principal, organization, meta, request }) =>
  domainToWire(await verifyDomain({ ctx, principal, membership: organization, meta, domainId: pathSegment(request, -2) })),
);

const notAllowed = methodNotAllowed(['POST']);
export { notAllowed as GET, notAllowed as PUT, notAllowed as PATCH, notAllowed as DELETE };
