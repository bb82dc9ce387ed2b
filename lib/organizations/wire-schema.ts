import { z } from 'zod';

// The response schemas of the organizations area: the mappers of wire.ts are typed against
// them; the OpenAPI document (lib/api/openapi) uses them.

export const accountWireSchema = z
  .object({
    account_id: z.string(),
    account_name: z.string(),
    organization_id: z.string(),
    create_time: z.string(),
    update_time: z.string(),
    is_account_owner: z.boolean().meta({ description: 'Whether the caller is a super admin of the organization.' }),
    root_account_id: z.string(),
    parent_account_id: z.string().nullable().meta({ description: "An organizational unit's organization account; null for an organization." }),
    primary_billing_group_id: z.null(),
    tenant_id: z.null(),
  })
  .meta({ id: 'Account', description: "An organization or an organizational unit, in upstream's older name." });
export type AccountWire = z.infer<typeof accountWireSchema>;

export const organizationWireSchema = z
  .object({
    organization_id: z.string(),
    organization_name: z.string(),
    account_id: z.string(),
    tier: z.enum(['business', 'personal']),
    create_time: z.string(),
    update_time: z.string(),
  })
  .meta({ id: 'Organization' });
export type OrganizationWire = z.infer<typeof organizationWireSchema>;
