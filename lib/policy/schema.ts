import { z } from 'zod';
import { ipAllowlistSchema } from '@/lib/net/schema';

// The organization authentication policy's input: PATCH /v1/organization/{id}/config/authentication
// and the Authentication policy form (which sends every field) parse with this one schema.
// Upstream's fields, plus our extensions: the per-provider switches, the three-way personal
// token mode and the IP allowlist. Strict: a misspelt key is an error, not a silent no-op.

export const personalTokensModeSchema = z.enum(['enabled', 'disabled_for_managed', 'disabled'], {
  error: 'personal_tokens_mode must be enabled, disabled_for_managed or disabled',
});

const flag = (name: string) => z.boolean({ error: `${name} must be true or false` }).optional();

export const policyPatchSchema = z
  .strictObject({
    password_auth_enabled: flag('password_auth_enabled'),
    two_factor_required: flag('two_factor_required'),
    oauth_enabled: flag('oauth_enabled'),
    oauth_google_enabled: flag('oauth_google_enabled'),
    oauth_microsoft_enabled: flag('oauth_microsoft_enabled'),
    oauth_github_enabled: flag('oauth_github_enabled'),
    saml_enabled: flag('saml_enabled'),
    saml_allow_external: flag('saml_allow_external'),
    personal_tokens_enabled: flag('personal_tokens_enabled'),
    personal_tokens_mode: personalTokensModeSchema.optional(),
    personal_tokens_require_allowed_auth_method: flag('personal_tokens_require_allowed_auth_method'),
    mcp_enabled: flag('mcp_enabled'),
    ip_allowlist: ipAllowlistSchema.optional(),
  })
  .refine(
    (p) =>
      p.personal_tokens_enabled === undefined ||
      p.personal_tokens_mode === undefined ||
      p.personal_tokens_enabled === (p.personal_tokens_mode !== 'disabled'),
    { error: 'personal_tokens_enabled and personal_tokens_mode disagree', path: ['personal_tokens_enabled'] },
  );
export type PolicyPatch = z.input<typeof policyPatchSchema>;
export type ParsedPolicyPatch = z.output<typeof policyPatchSchema>;
