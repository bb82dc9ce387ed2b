import { z } from 'zod';

// The project object's schema: projectToWire (wire.ts) is typed against it; the OpenAPI
// document (lib/api/openapi) uses it.

export const projectWireSchema = z
  .object({
    project_name: z.string(),
    account_id: z.string().nullable().meta({ description: 'The account that holds the project: its unit, else its organization; null when standalone.' }),
    account_name: z.string().nullable(),
    organization_id: z.string().nullable(),
    default_cloud: z.string(),
    cloud: z.string(),
    tech_emails: z.array(z.object({ email: z.string() })),
    billing_group_id: z.null(),
    billing_group_name: z.null(),
    credit_card: z.null(),
    estimated_balance: z.null(),
    payment_method: z.literal('no_payment_expected'),
    vpc_id: z.null(),
    create_time: z.string().meta({ description: 'Extension: when the project was made.' }),
  })
  .meta({ id: 'Project', description: 'Billing does not exist here: its fields are present and empty.' });
export type ProjectWire = z.infer<typeof projectWireSchema>;
