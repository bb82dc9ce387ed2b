import { z } from 'zod';

// The response schemas of the users area: memberToWire, authenticationMethodToWire (wire.ts) and
// meResponse (me.ts) are typed against them; the OpenAPI document (lib/api/openapi) uses them.

const userStateSchema = z.enum(['active', 'deactivated']);

export const memberWireSchema = z
  .object({
    user_id: z.string(),
    is_super_admin: z.boolean(),
    join_time: z.string(),
    last_activity_time: z.string().nullable(),
    user_info: z.object({
      user_email: z.string(),
      real_name: z.string(),
      state: userStateSchema,
      is_application_user: z.boolean(),
      managed_by_scim: z.boolean().meta({ description: 'Always false: there is no SCIM.' }),
      managing_organization_id: z.string().nullable().meta({ description: 'The organization that manages the user through a verified domain.' }),
      create_time: z.string(),
    }),
    two_factor_enabled: z.boolean().meta({ description: 'Extension: whether password sign-ins of this member ask for an authenticator code.' }),
    email_verified: z.boolean().meta({ description: 'Extension: whether the owner of the address proved it is theirs.' }),
  })
  .meta({ id: 'OrganizationMember' });
export type MemberWire = z.infer<typeof memberWireSchema>;

export const memberAuthenticationMethodWireSchema = z
  .object({
    type: z.enum(['internal', 'saml', 'google', 'microsoft', 'github']).meta({ description: '"internal" is the password.' }),
    name: z.string(),
    is_enabled_2fa: z.boolean(),
    last_used_time: z.string().nullable(),
    method_id: z.string().nullable(),
    local_provider_id: z.string().nullable(),
    remote_provider_id: z.string(),
    organization_id: z.string(),
    user_email: z.string(),
    user_id: z.string(),
  })
  .meta({ id: 'MemberAuthenticationMethod' });
export type MemberAuthenticationMethodWire = z.infer<typeof memberAuthenticationMethodWireSchema>;

export const meWireSchema = z
  .object({
    user: z.object({
      user: z.string().meta({ description: 'The email address.' }),
      user_id: z.string(),
      real_name: z.string(),
      state: userStateSchema,
      auth: z.array(z.string()).meta({ description: 'The sign-in methods set up: "password", then linked providers.' }),
      projects: z.array(z.string()),
      token_validity_begin: z.string().nullable(),
      managing_organization_id: z.string().nullable(),
      create_time: z.string(),
      organizations: z
        .array(z.object({ organization_id: z.string(), organization_name: z.string(), account_id: z.string(), is_super_admin: z.boolean() }))
        .meta({ description: 'Extension: the organizations the caller belongs to.' }),
    }),
  })
  .meta({ id: 'Me' });
export type MeWire = z.infer<typeof meWireSchema>;
