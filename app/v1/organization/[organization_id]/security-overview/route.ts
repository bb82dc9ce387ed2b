import { apiRoute } from '@/lib/api/handler';
import { readSecurityOverview } from '@/lib/security-overview/overview';
import { securityOverviewToWire } from '@/lib/security-overview/wire';
import { configuredOAuthProviders } from '@/lib/sign-in/oauth-config';

// The organization's security overview as JSON, for its super admins (readSecurityOverview
// checks). The gate has resolved `organization` from the path: a caller who is not a member got
// 404 there; a token needs organizations:read.

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/organization/{organization_id}/security-overview', {
  // GET /v1/organization/{organization_id}/security-overview
  GET: async ({ ctx, membership }) =>
    securityOverviewToWire(await readSecurityOverview({ ctx, membership, options: { oauthProviders: configuredOAuthProviders(process.env) } })),
});
