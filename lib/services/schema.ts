import { z } from 'zod';
import { requiredText } from '@/lib/forms/required-text';
import { SERVICE_PLANS, SERVICE_TYPES } from './user-config-schema';

// Inputs of services, shared by the project page's forms, their server actions and
// /v1/project/{project}/service. user_config is checked against the service type's schema in
// lib/services/user-config.ts once the type is known. Zod only: the browser loads this file.

export const SERVICE_NAME_MAX = 64;

export const serviceNameSchema = requiredText({ empty: 'Enter a service name', max: SERVICE_NAME_MAX }).regex(/^[a-z][a-z0-9-]*$/, {
  error: 'Use lowercase letters, digits and dashes, starting with a letter',
});

export const serviceTypeSchema = z.enum(SERVICE_TYPES, { error: 'service_type must be "kafka" or "opensearch"' });

const planSchema = z.string({ error: 'Choose a plan' }).trim().min(1, { error: 'Choose a plan' }).max(64);

const userConfigObject = z.record(z.string(), z.unknown(), { error: 'user_config must be an object' });

/** POST /v1/project/{project}/service. Upstream's other fields (cloud, tags, ...) are ignored. */
export const createServiceSchema = z
  .object({
    service_name: serviceNameSchema,
    service_type: serviceTypeSchema,
    plan: planSchema,
    cloud: z.string().max(256).nullish(),
    user_config: userConfigObject.optional(),
  })
  .superRefine((value, ctx) => {
    const plans = SERVICE_PLANS[value.service_type];
    if (!plans.includes(value.plan)) {
      ctx.addIssue({ code: 'custom', path: ['plan'], message: `Plan must be one of ${plans.join(', ')}` });
    }
  });
export type CreateServiceInput = z.input<typeof createServiceSchema>;

/**
 * PUT /v1/project/{project}/service/{service}, as `avn service update` sends it: the plan (the
 * current one unless -p changes it) and user_config holding only the keys given (a patch; see
 * lib/services/merge.ts). Upstream's other fields (powered, maintenance, ...) are ignored.
 */
export const updateServiceSchema = z.object({
  plan: planSchema.optional(),
  user_config: userConfigObject.optional(),
});
export type UpdateServiceInput = z.input<typeof updateServiceSchema>;

/** The console's forms. */
export const createServiceActionSchema = z.strictObject({
  project: z.string().min(1).max(64),
  service_name: serviceNameSchema,
  service_type: serviceTypeSchema,
  plan: planSchema,
});

export const serviceRefSchema = z.strictObject({ project: z.string().min(1).max(64), service: z.string().min(1).max(64) });

/** Advanced configuration's save: a patch of flat keys ("kafka.sasl_oauthbearer_sub_claim_name"). */
export const saveUserConfigActionSchema = serviceRefSchema.extend({
  patch: z.record(z.string().max(128), z.union([z.string(), z.number(), z.boolean(), z.null()])),
  /** The console's choice for jwt.signing_key: which kind of key the pasted value must be. */
  signing_key_kind: z.enum(['public_key', 'hmac']).optional(),
  /** The person confirmed that a Kafka change restarts the brokers one by one. */
  confirm_rolling_restart: z.boolean().optional(),
});

export const testTokenActionSchema = serviceRefSchema.extend({
  token: z.string().trim().min(1, { error: 'Paste a token' }).max(16_384, { error: 'That is too long for a JWT' }),
});

export const checkJwksActionSchema = serviceRefSchema.extend({
  url: z.string().trim().min(1, { error: 'Enter the JWKS URL' }).max(2048),
});
