import { z } from 'zod';
import { domainStates } from '@/db/schema';

// The domain object's schema: domainToWire and checkResultToWire (wire.ts) are typed against
// it; the OpenAPI document (lib/api/openapi) uses it.

const verificationTypeSchema = z.enum(['dns', 'http']);

export const checkResultWireSchema = z
  .object({
    status: z.enum(['verified', 'no_txt_record', 'mismatch', 'nxdomain', 'http_status', 'address_refused', 'timeout', 'error']),
    verification_type: verificationTypeSchema,
    target: z.string().meta({ description: "Where we looked: the TXT record's name or the file's URL." }),
    message: z.string(),
    records: z.array(z.string()).optional().meta({ description: 'DNS: the TXT values found.' }),
    http_status: z.number().int().optional(),
    detail: z.string().optional(),
  })
  .meta({ id: 'DomainCheckResult' });
export type CheckResultWire = z.infer<typeof checkResultWireSchema>;

export const domainWireSchema = z
  .object({
    domain_id: z.string(),
    domain_name: z.string(),
    organization_id: z.string(),
    state: z.enum(domainStates),
    verification_type: verificationTypeSchema,
    challenge_token: z.string(),
    linked_authentication_method_ids: z.array(z.string()),
    create_time: z.string(),
    verified_time: z.string().nullable(),
    challenge_record_name: z.string(),
    challenge_record_value: z.string(),
    http_challenge_url: z.string(),
    last_check_time: z.string().nullable(),
    last_check_result: checkResultWireSchema.nullable(),
  })
  .meta({ id: 'Domain' });
export type DomainWire = z.infer<typeof domainWireSchema>;
