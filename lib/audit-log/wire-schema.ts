import { z } from 'zod';

// The audit event's schema: auditEventToWire (wire.ts) is typed against it.

export const auditEventWireSchema = z
  .object({
    log_entry_id: z.number().int(),
    create_time: z.string(),
    account_id: z.string(),
    action_type: z.string(),
    action_description: z.string(),
    actor: z.string().meta({ description: 'The email address, or "operator (server host)" for what the operator did on the server host.' }),
    actor_user_id: z.string().nullable(),
    team_id: z.null(),
    organization_id: z.string().meta({ description: 'Extension.' }),
    actor_email: z.string().nullable(),
    ip: z.string().nullable(),
    user_agent: z.string().nullable(),
    details: z.record(z.string(), z.unknown()).meta({ description: 'Extension: what exactly changed (old and new values).' }),
  })
  .meta({ id: 'AuditEvent' });
export type AuditEventWire = z.infer<typeof auditEventWireSchema>;
