import { z } from 'zod';
import { personalTokenModes } from '@/db/schema';

// The authentication policy's schema on the wire: policyToWire (policy.ts) is typed against it.

export const policyWireSchema = z
  .object({
    password_auth_enabled: z.boolean(),
    two_factor_required: z.boolean(),
    oauth_enabled: z.boolean(),
    saml_enabled: z.boolean(),
    saml_allow_external: z.boolean(),
    personal_tokens_enabled: z.boolean(),
    personal_tokens_require_allowed_auth_method: z.boolean(),
    mcp_enabled: z.boolean(),
    oauth_google_enabled: z.boolean().meta({ description: 'Extension.' }),
    oauth_microsoft_enabled: z.boolean().meta({ description: 'Extension.' }),
    oauth_github_enabled: z.boolean().meta({ description: 'Extension.' }),
    personal_tokens_mode: z.enum(personalTokenModes).meta({ description: 'Extension.' }),
    ip_allowlist: z.array(z.string()).meta({ description: 'Extension: CIDRs the organization may be reached from; empty: anywhere.' }),
  })
  .meta({ id: 'AuthenticationPolicy' });
export type PolicyWire = z.infer<typeof policyWireSchema>;
