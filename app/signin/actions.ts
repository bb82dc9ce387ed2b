'use server';

import { publicAction } from '@/app/_lib/action';
import { liveCtx } from '@/lib/context';
import { findSsoProviders } from '@/lib/sign-in/sso-lookup';
import { ssoLookupSchema } from '@/lib/identity-providers/schema';
import { publicBaseUrl } from '@/lib/http/public-url';

/** "Sign in with SSO": the identity providers for an email address or an organization ID. */
export const findSsoProvidersAction = publicAction(ssoLookupSchema, async (input) => ({
  providers: await findSsoProviders({ ctx: liveCtx(), input, baseUrl: publicBaseUrl() }),
}));
