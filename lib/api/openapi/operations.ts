import { z } from 'zod';
import type { ZodOpenApiResponsesObject } from 'zod-openapi';
import { applicationUserWireSchema } from '@/lib/application-users/wire-schema';
import { createApplicationUserSchema, updateApplicationUserSchema } from '@/lib/application-users/schema';
import { auditQuerySchema } from '@/lib/audit-log/schema';
import { auditEventWireSchema } from '@/lib/audit-log/wire-schema';
import { addDomainSchema, linkDomainSchema, updateDomainSchema } from '@/lib/domains/schema';
import { domainWireSchema } from '@/lib/domains/wire-schema';
import type { API_ROUTES, ApiRoutePattern } from '@/lib/http/routes';
import { createMethodSchema, updateMethodSchema } from '@/lib/identity-providers/schema';
import { authenticationMethodWireSchema } from '@/lib/identity-providers/wire-schema';
import { invitationActionSchema, inviteSchema } from '@/lib/invitations/schema';
import { invitationWireSchema, sentInvitationWireSchema } from '@/lib/invitations/wire-schema';
import { createAccountSchema, updateAccountSchema } from '@/lib/organizations/schema';
import { accountWireSchema, organizationWireSchema } from '@/lib/organizations/wire-schema';
import { changePasswordSchema, completePasswordResetSchema, requestPasswordResetSchema } from '@/lib/passwords/schema';
import { policyPatchSchema } from '@/lib/policy/schema';
import { policyWireSchema } from '@/lib/policy/wire-schema';
import { createProjectSchema, updateProjectSchema } from '@/lib/projects/schema';
import { projectWireSchema } from '@/lib/projects/wire-schema';
import { configExportQuerySchema } from '@/lib/services/config-export-schema';
import { createServiceSchema, updateServiceSchema } from '@/lib/services/schema';
import { securityOverviewWireSchema } from '@/lib/security-overview/wire-schema';
import { serviceTypeWireSchema, serviceWireSchema } from '@/lib/services/wire-schema';
import { userAuthSchema } from '@/lib/sign-in/schema';
import { createTokenSchema, updateTokenSchema } from '@/lib/tokens/schema';
import { createdApplicationTokenWireSchema, createdTokenWireSchema, tokenListWireSchema, tokenWireSchema } from '@/lib/tokens/wire-schema';
import { listMembersQuerySchema, updateMemberSchema } from '@/lib/users/schema';
import { requestEmailVerificationSchema } from '@/lib/users/verify-email-schema';
import { meWireSchema, memberAuthenticationMethodWireSchema, memberWireSchema } from '@/lib/users/wire-schema';

// What each /v1 route takes and answers, for the OpenAPI document (document.ts) and for the
// handlers themselves: apiRoute (lib/api/handler.ts) types each handler's result by its
// operation's `response`, so a handler cannot send what the document does not describe. The
// table is keyed by the route table's patterns and methods (lib/http/routes.ts): a route without
// an operation here does not type-check (and document.test.ts names it). The request schemas are
// the ones the lib functions parse with; the response schemas are the ones the *ToWire mappers
// are typed against (lib/<area>/wire-schema.ts).

export const API_TAGS = [
  'Sign-in',
  'User',
  'Access tokens',
  'Organizations',
  'Members',
  'Invitations',
  'Application users',
  'Authentication policy',
  'Domains',
  'Accounts',
  'Identity providers',
  'Audit log',
  'Projects',
  'Services',
  'SAML single sign-on',
  'API description',
] as const;
export type ApiTag = (typeof API_TAGS)[number];

export type ApiOperation = {
  readonly summary: string;
  readonly description?: string;
  readonly tag: ApiTag;
  /** The query parameters, as the lib function parses them. */
  readonly query?: z.ZodObject;
  /** The JSON request body, as the lib function parses it. */
  readonly body?: z.ZodType;
  /** The JSON body of the 200 answer; null for routes that answer otherwise (then `responses`). */
  readonly response: z.ZodType | null;
  /** Answers other than a JSON 200 (SAML's pages, redirects and XML). */
  readonly responses?: ZodOpenApiResponsesObject;
  /** Error statuses this operation answers beyond the common ones (document.ts: 400, 401, 403, 404). */
  readonly errors?: readonly number[];
};

type MethodsOf<P extends ApiRoutePattern> = (typeof API_ROUTES)[P]['methods'][number];
/** One operation for every method of every route of the table, and no other. */
export type ApiOperations = { readonly [P in ApiRoutePattern]: { readonly [M in MethodsOf<P>]: ApiOperation } };

const message = z.object({ message: z.string() }).meta({ id: 'Message', description: 'A sentence saying what was done.' });
const empty = z.object({}).meta({ id: 'Empty' });

const html = (description: string) => ({ description, content: { 'text/html': { schema: z.string() } } });
const seeOther = (description: string) => ({
  description,
  headers: z.object({ location: z.string().meta({ description: 'Where the browser goes next.' }) }),
});

const samlLoginQuery = z.object({
  purpose: z.enum(['signin', 'signup', 'link', 'test']).optional(),
  return_to: z.string().optional().meta({ description: 'A same-site path to land on after signing in.' }),
});

export const API_OPERATIONS = {
  '/v1/openapi.json': {
    GET: {
      summary: 'This API description (OpenAPI 3.1)',
      tag: 'API description',
      response: z.record(z.string(), z.unknown()).meta({ description: 'An OpenAPI 3.1 document.' }),
    },
  },

  '/v1/userauth': {
    POST: {
      summary: 'Sign in with email and password',
      description:
        'Returns a login token. For an account with two-factor authentication the answer is 510 until the request carries `otp`; a wrong or used code is 401.',
      tag: 'Sign-in',
      body: userAuthSchema,
      response: z.object({ token: z.string(), state: z.enum(['active', 'deactivated']), user_email: z.string() }),
      errors: [429, 510],
    },
  },
  '/v1/user/password_reset_request': {
    POST: {
      summary: 'Mail a password reset link',
      description: 'The same answer whether or not an account has the address. 409 when this server has no SMTP.',
      tag: 'Sign-in',
      body: requestPasswordResetSchema,
      response: message,
      errors: [409, 429],
    },
  },
  '/v1/user/password_reset/{verification_code}': {
    POST: {
      summary: 'Set a new password with the code from the reset link',
      description: "Ends all the account's login sessions. 404 unknown code, 410 used, expired or made for an address the account no longer has.",
      tag: 'Sign-in',
      body: completePasswordResetSchema.omit({ code: true }),
      response: message,
      errors: [410],
    },
  },
  '/v1/sso/saml/account/{account_id}/method/{method_id}/login': {
    GET: {
      summary: 'Start a SAML sign-in (service provider initiated)',
      description: '`signin` and `signup` go to the identity provider at once; `link` opens the confirmation page.',
      tag: 'SAML single sign-on',
      query: samlLoginQuery,
      response: null,
      responses: { '200': html('A page of ours (confirmation or refusal).'), '303': seeOther('To the identity provider, or back to a page of ours.') },
    },
    POST: {
      summary: 'Start an account link or a test sign-in from a page of ours',
      tag: 'SAML single sign-on',
      query: samlLoginQuery,
      response: null,
      responses: { '303': seeOther('To the identity provider.'), '403': html('Refused: not from a page of ours.') },
    },
  },
  '/v1/sso/saml/account/{account_id}/method/{method_id}/acs': {
    POST: {
      summary: 'Assertion Consumer Service (HTTP-POST binding)',
      description: 'The identity provider posts the SAML response here, as an HTML form.',
      tag: 'SAML single sign-on',
      response: null,
      responses: {
        '200': html('The trace of a test sign-in.'),
        '303': seeOther('Signed in: the session cookie is set.'),
        '400': html('The SAML response was refused.'),
      },
    },
  },
  '/v1/sso/saml/account/{account_id}/method/{method_id}/metadata': {
    GET: {
      summary: 'Our service provider metadata',
      tag: 'SAML single sign-on',
      response: null,
      responses: {
        '200': { description: 'SAML metadata (XML).', content: { 'application/samlmetadata+xml': { schema: z.string() } } },
        '404': { description: 'No such identity provider.', content: { 'text/plain': { schema: z.string() } } },
      },
    },
  },

  '/v1/me': { GET: { summary: 'The caller', tag: 'User', response: meWireSchema } },
  '/v1/me/logout': { POST: { summary: 'Revoke the token of this request', tag: 'User', response: message } },
  '/v1/me/password': {
    PUT: {
      summary: 'Change the password',
      description: 'Login sessions only. A wrong current password is 403. Every other login session of the user ends.',
      tag: 'User',
      body: changePasswordSchema,
      response: message,
      errors: [429],
    },
  },
  '/v1/me/expire_tokens': { POST: { summary: 'Expire every token of the caller, this one included', tag: 'User', response: message } },
  '/v1/me/email_verification': {
    POST: {
      summary: "Mail a link that proves the caller's address",
      description: '409 when it is proven already or this server has no SMTP; 429 within 5 minutes of the last one.',
      tag: 'User',
      body: requestEmailVerificationSchema,
      response: message,
      errors: [409, 429],
    },
  },
  '/v1/me/email_verification/{code}': {
    POST: { summary: "Prove the caller's address with the code from the mailed link", tag: 'User', response: message, errors: [410] },
  },
  '/v1/access_token': {
    GET: { summary: "The caller's tokens", tag: 'Access tokens', response: tokenListWireSchema },
    POST: { summary: 'Create a personal token', tag: 'Access tokens', body: createTokenSchema, response: createdTokenWireSchema },
  },
  '/v1/access_token/{token}': {
    PUT: { summary: "Change a token's description", tag: 'Access tokens', body: updateTokenSchema, response: tokenWireSchema },
    DELETE: { summary: 'Revoke a token (by prefix or full token)', tag: 'Access tokens', response: message },
  },

  '/v1/organizations': {
    GET: { summary: 'The organizations the caller belongs to', tag: 'Organizations', response: z.object({ organizations: z.array(organizationWireSchema) }) },
  },
  '/v1/organization/{organization_id}': { GET: { summary: 'An organization', tag: 'Organizations', response: organizationWireSchema } },
  '/v1/organization/{organization_id}/user': {
    GET: { summary: "The organization's members", tag: 'Members', query: listMembersQuerySchema, response: z.object({ users: z.array(memberWireSchema) }) },
  },
  '/v1/organization/{organization_id}/user/{user_id}': {
    GET: { summary: 'A member', tag: 'Members', response: memberWireSchema },
    PATCH: { summary: 'Change a member', tag: 'Members', body: updateMemberSchema, response: memberWireSchema, errors: [409] },
    DELETE: { summary: 'Remove a member from the organization', tag: 'Members', response: message, errors: [409] },
  },
  '/v1/organization/{organization_id}/user/{user_id}/access-tokens': {
    GET: { summary: "A member's tokens", tag: 'Members', response: tokenListWireSchema },
  },
  '/v1/organization/{organization_id}/user/{user_id}/access-token/{token_prefix}': {
    DELETE: { summary: "Revoke a member's token", tag: 'Members', response: message },
  },
  '/v1/organization/{organization_id}/user/{user_id}/authentication_methods': {
    GET: {
      summary: 'The ways a member signs in',
      tag: 'Members',
      response: z.object({ authentication_methods: z.array(memberAuthenticationMethodWireSchema) }),
    },
  },
  '/v1/organization/{organization_id}/user/{user_id}/two-factor': {
    DELETE: {
      summary: "Remove a member's authenticator app and recovery codes",
      tag: 'Members',
      response: z.object({ message: z.string(), enrollment_required: z.boolean() }),
    },
  },
  '/v1/organization/{organization_id}/invitation': {
    GET: { summary: 'Open invitations', tag: 'Invitations', response: z.object({ invitations: z.array(invitationWireSchema) }) },
    POST: { summary: 'Invite someone by email', tag: 'Invitations', body: inviteSchema, response: sentInvitationWireSchema, errors: [409, 429] },
  },
  '/v1/organization/{organization_id}/invitation/{user_email}': {
    POST: { summary: 'Accept an invitation (by the invited user)', tag: 'Invitations', body: invitationActionSchema, response: message, errors: [409, 410] },
    DELETE: { summary: 'Cancel an invitation', tag: 'Invitations', response: message },
  },
  '/v1/organization/{organization_id}/application-users': {
    GET: { summary: 'Application users', tag: 'Application users', response: z.object({ application_users: z.array(applicationUserWireSchema) }) },
    POST: { summary: 'Create an application user', tag: 'Application users', body: createApplicationUserSchema, response: applicationUserWireSchema },
  },
  '/v1/organization/{organization_id}/application-users/{user_id}': {
    GET: { summary: 'An application user', tag: 'Application users', response: applicationUserWireSchema },
    PATCH: { summary: 'Change an application user', tag: 'Application users', body: updateApplicationUserSchema, response: applicationUserWireSchema },
    DELETE: { summary: 'Delete an application user with its tokens', tag: 'Application users', response: message },
  },
  '/v1/organization/{organization_id}/application-users/{user_id}/access-tokens': {
    GET: { summary: "An application user's tokens", tag: 'Application users', response: tokenListWireSchema },
    POST: { summary: 'Create a token for an application user', tag: 'Application users', body: createTokenSchema, response: createdApplicationTokenWireSchema },
  },
  '/v1/organization/{organization_id}/application-users/{user_id}/access-tokens/{token_prefix}': {
    DELETE: { summary: "Revoke an application user's token", tag: 'Application users', response: message },
  },
  '/v1/organization/{organization_id}/config/authentication': {
    GET: { summary: "The organization's authentication policy", tag: 'Authentication policy', response: policyWireSchema },
    PATCH: {
      summary: 'Change the authentication policy',
      description: 'Partial: the fields given change. Returns the whole policy.',
      tag: 'Authentication policy',
      body: policyPatchSchema,
      response: policyWireSchema,
      errors: [409],
    },
  },
  '/v1/organization/{organization_id}/domains': {
    GET: { summary: "The organization's domains", tag: 'Domains', response: z.object({ domains: z.array(domainWireSchema) }) },
    POST: { summary: 'Add a domain to verify', tag: 'Domains', body: addDomainSchema, response: domainWireSchema, errors: [409] },
  },
  '/v1/organization/{organization_id}/domains/{domain_id}': {
    GET: { summary: 'A domain', tag: 'Domains', response: domainWireSchema },
    PATCH: { summary: "Change a domain's verification type", tag: 'Domains', body: updateDomainSchema, response: domainWireSchema },
    DELETE: { summary: 'Remove a domain and its links', tag: 'Domains', response: message },
  },
  '/v1/organization/{organization_id}/domains/{domain_id}/verify': {
    POST: {
      summary: 'Look the challenge up now',
      description: 'The domain comes back whatever was found: `state` and `last_check_result` say it.',
      tag: 'Domains',
      response: domainWireSchema,
    },
  },
  '/v1/organization/{organization_id}/authentication-methods/{method_id}/domains': {
    GET: { summary: 'The domains linked to an identity provider', tag: 'Identity providers', response: z.object({ domains: z.array(domainWireSchema) }) },
    PUT: { summary: 'Link a verified domain to an identity provider', tag: 'Identity providers', body: linkDomainSchema, response: domainWireSchema, errors: [409] },
  },
  '/v1/organization/{organization_id}/authentication-methods/{method_id}/domains/{domain_id}': {
    DELETE: { summary: 'Unlink a domain from an identity provider', tag: 'Identity providers', response: message },
  },

  '/v1/account': {
    GET: { summary: 'The organizations the caller belongs to, each followed by its units', tag: 'Accounts', response: z.object({ accounts: z.array(accountWireSchema) }) },
    POST: {
      summary: 'Create an organization, or with parent_account_id an organizational unit',
      tag: 'Accounts',
      body: createAccountSchema,
      response: z.object({ account: accountWireSchema }),
    },
  },
  '/v1/account/{account_id}': {
    GET: { summary: 'An organization or organizational unit', tag: 'Accounts', response: z.object({ account: accountWireSchema }) },
    PUT: { summary: 'Rename an organization or unit', tag: 'Accounts', body: updateAccountSchema, response: z.object({ account: accountWireSchema }) },
    DELETE: { summary: 'Delete an organization or unit (refused while it holds projects)', tag: 'Accounts', response: empty, errors: [409] },
  },
  '/v1/account/{account_id}/authentication': {
    GET: {
      summary: "The organization's identity providers",
      tag: 'Identity providers',
      response: z.object({ authentication_methods: z.array(authenticationMethodWireSchema) }),
    },
    POST: {
      summary: 'Add an identity provider',
      tag: 'Identity providers',
      body: createMethodSchema,
      response: z.object({ authentication_method: authenticationMethodWireSchema }),
    },
  },
  '/v1/account/{account_id}/authentication/{method_id}': {
    GET: { summary: 'An identity provider', tag: 'Identity providers', response: z.object({ authentication_method: authenticationMethodWireSchema }) },
    PUT: {
      summary: 'Change an identity provider (partial), enable or disable it',
      tag: 'Identity providers',
      body: updateMethodSchema,
      response: z.object({ authentication_method: authenticationMethodWireSchema }),
      errors: [409],
    },
    DELETE: { summary: 'Delete an identity provider; the sessions signed in through it end', tag: 'Identity providers', response: message },
  },
  '/v1/organization/{organization_id}/security-overview': {
    GET: {
      summary: "The organization's security posture: sign-in coverage, activity, tokens, providers, domains, recommendations",
      description: 'Ours. Super admins of the organization only.',
      tag: 'Organizations',
      response: securityOverviewWireSchema,
    },
  },
  '/v1/account/{account_id}/events': {
    GET: {
      summary: "The organization's audit log, newest first",
      description: 'The query parameters, `total`, `limit`, `offset` and `next_cursor` are extensions.',
      tag: 'Audit log',
      query: auditQuerySchema,
      response: z.object({
        events: z.array(auditEventWireSchema),
        total: z.number().int(),
        limit: z.number().int(),
        offset: z.number().int(),
        next_cursor: z.string().nullable().meta({ description: 'Pass back as `cursor` for the next page; null on the last page.' }),
      }),
    },
  },

  '/v1/project': {
    GET: { summary: 'Every project the caller reaches', tag: 'Projects', response: z.object({ projects: z.array(projectWireSchema) }) },
    POST: { summary: 'Create a project', tag: 'Projects', body: createProjectSchema, response: z.object({ project: projectWireSchema }), errors: [409] },
  },
  '/v1/project/{project}': {
    GET: { summary: 'A project', tag: 'Projects', response: z.object({ project: projectWireSchema }) },
    PUT: {
      summary: 'Rename a project or move it into an organization',
      tag: 'Projects',
      body: updateProjectSchema,
      response: z.object({ project: projectWireSchema }),
      errors: [409],
    },
  },
  '/v1/project/{project}/service': {
    GET: { summary: "A project's services", tag: 'Services', response: z.object({ services: z.array(serviceWireSchema) }) },
    POST: { summary: 'Create a service', tag: 'Services', body: createServiceSchema, response: z.object({ service: serviceWireSchema }), errors: [409] },
  },
  '/v1/project/{project}/service/{service}': {
    GET: { summary: 'A service', tag: 'Services', response: z.object({ service: serviceWireSchema }) },
    PUT: {
      summary: "Change a service's plan or user_config",
      description: 'user_config is merged: a key given replaces, null removes, absent keys stay.',
      tag: 'Services',
      body: updateServiceSchema,
      response: z.object({ service: serviceWireSchema }),
    },
    DELETE: { summary: 'Delete a service', tag: 'Services', response: empty },
  },
  '/v1/project/{project}/service/{service}/config-export': {
    GET: {
      summary: "The file a service's saved settings mean for its cluster",
      description:
        'Kafka: broker properties for SASL OAUTHBEARER (Apache Kafka 3.9 or 4.x); OpenSearch: the security plugin\'s config.yml. The signing key only for callers who may change the service. 409 while the settings are not saved or turned off.',
      tag: 'Services',
      query: configExportQuerySchema,
      response: null,
      responses: {
        '200': {
          description: 'The file, as an attachment (content-disposition names it).',
          content: { 'text/plain': { schema: z.string() } },
        },
      },
      errors: [409],
    },
  },
  '/v1/project/{project}/service_types': {
    GET: { summary: 'Every service type with its user_config schema', tag: 'Services', response: z.object({ service_types: z.record(z.string(), serviceTypeWireSchema) }) },
  },
  '/v1/project/{project}/service-types/{service_type}': {
    GET: { summary: 'A service type with its user_config schema', tag: 'Services', response: serviceTypeWireSchema },
  },
} as const satisfies ApiOperations;
