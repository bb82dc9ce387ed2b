import { and, asc, eq } from 'drizzle-orm';
import { type Service } from '@/db/schema';
import { services } from '@/db/tables';
import type { Call, Principal } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { updateRow } from '@/lib/model/rows';
import { AppError, parseInput, zodFieldErrors, zodMessage } from '@/lib/errors';
import { newServiceId } from '@/lib/ids';
import { assertMayChangeProject, auditProject, mayChangeProject, type ProjectAccess } from '@/lib/projects/manage';
import { scopesPermit } from '@/lib/tokens/scopes';
import type { JSONWebKeySet } from 'jose';
import { configChanges, isPlainObject, mergeUserConfig, type ConfigObject } from './merge';
import { createServiceSchema, updateServiceSchema } from './schema';
import { secretKeys } from './secrets';
import { describeSigningKey, parseSigningKey, maskSecret, type SigningKeyKind } from './signing-key';
import { checkJwksEndpoint, testToken, type JwksFetchOptions, type TokenTestResult } from './token-tester';
import { userConfigSchema } from './user-config';
import { configOptions, SERVICE_PLANS, type ServiceType } from './user-config-schema';
import { first, single } from '@/db/async';

// Services are records whose configuration Portcullis keeps (it runs no brokers). Reading
// them takes reaching the project; creating, changing and deleting them takes changing it (see
// assertMayChangeProject). Every change is audited, user_config with its old and new values and
// its secrets masked.

type ServiceCall = Call & { access: ProjectAccess };

export async function listServices({ ctx, access }: Pick<ServiceCall, 'ctx' | 'access'>): Promise<Service[]> {
  return await ctx.db.select().from(services).where(eq(services.projectId, access.project.id)).orderBy(asc(services.name));
}

export async function getService({ ctx, access, name }: Pick<ServiceCall, 'ctx' | 'access'> & { name: string }): Promise<Service> {
  const service = await first(
    ctx.db
      .select()
      .from(services)
      .where(and(eq(services.projectId, access.project.id), eq(services.name, name)))
      .limit(1),
  );
  if (!service) throw new AppError('not_found', `Service ${access.project.name}/${name} not found`);
  return service;
}

/**
 * Flat changes for the audit log, secrets masked (a fingerprint tells two values apart); the
 * signing key also with its type and size, so a switch from a public key to an HMAC secret shows.
 */
function auditedChanges(serviceType: ServiceType, before: ConfigObject, after: ConfigObject) {
  const secrets = secretKeys(serviceType);
  const old: Record<string, unknown> = {};
  const next: Record<string, unknown> = {};
  const masked = (key: string, v: unknown) =>
    serviceType === 'opensearch' && key === 'jwt.signing_key' && typeof v === 'string' ? describeSigningKey(v) : maskSecret(v);
  for (const change of configChanges(before, after)) {
    const mask = (v: unknown) => (v === undefined ? null : secrets.has(change.key) ? masked(change.key, v) : v);
    old[`user_config.${change.key}`] = mask(change.old);
    next[`user_config.${change.key}`] = mask(change.new);
  }
  return { old, new: next };
}

/** Zod errors of user_config with keys as the request has them: "user_config.kafka.x". */
function configError(error: import('zod').ZodError): AppError {
  const fields = Object.fromEntries(Object.entries(zodFieldErrors(error)).map(([k, v]) => [k ? `user_config.${k}` : 'user_config', v]));
  return new AppError('bad_request', `user_config: ${zodMessage(error)}`, fields);
}

/**
 * Checks a request's user_config patch, merges it into the stored config and checks the result.
 * Secrets in the patch are normalized to their stored form (jwt.signing_key: lib/services/signing-key.ts).
 */
export function applyUserConfigPatch(
  serviceType: ServiceType,
  stored: ConfigObject,
  patch: unknown,
  { signingKeyKind }: { signingKeyKind?: SigningKeyKind } = {},
): ConfigObject {
  // The signing key is read first: over the schema's 1,024 characters, its own message says which
  // form of the key fits, where the schema's would only give the limit.
  const given = isPlainObject(patch) && isPlainObject(patch.jwt) ? patch.jwt.signing_key : undefined;
  const signingKey = serviceType === 'opensearch' && typeof given === 'string' ? parseSigningKey(given, signingKeyKind) : null;
  const parsedPatch = userConfigSchema(serviceType, 'patch').safeParse(patch);
  if (!parsedPatch.success) throw configError(parsedPatch.error);
  const normalized = structuredClone(parsedPatch.data) as ConfigObject;
  if (signingKey && isPlainObject(normalized.jwt)) normalized.jwt.signing_key = signingKey.stored;
  const merged = mergeUserConfig(stored, normalized);
  const full = userConfigSchema(serviceType, 'full').safeParse(merged);
  if (!full.success) throw configError(full.error);
  return full.data;
}

export async function createService(call: ServiceCall & { input: unknown }): Promise<Service> {
  assertMayChangeProject(call.access);
  const input = parseInput(createServiceSchema, call.input);
  const userConfig = applyUserConfigPatch(input.service_type, {}, input.user_config ?? {});
  return await inTransaction(call, async (call) => {
    const taken = await first(
      call.ctx.db
        .select({ id: services.id })
        .from(services)
        .where(and(eq(services.projectId, call.access.project.id), eq(services.name, input.service_name)))
        .limit(1),
    );
    if (taken) {
      const message = `Service ${call.access.project.name}/${input.service_name} already exists`;
      throw new AppError('conflict', message, { service_name: [message] });
    }
    const now = iso(call.ctx.now);
    const service = await single(
      call.ctx.db
        .insert(services)
        .values({
          id: newServiceId(),
          projectId: call.access.project.id,
          name: input.service_name,
          serviceType: input.service_type,
          plan: input.plan,
          userConfig,
          createTime: now,
          updateTime: now,
        })
        .returning(),
    );
    await auditProject(call, call.access.project, {
      event: 'service.created',
      details: {
        project: call.access.project.name,
        service: service.name,
        service_type: service.serviceType,
        plan: service.plan,
        ...auditedChanges(service.serviceType, {}, userConfig),
      },
    });
    return service;
  });
}

export type ServiceUpdateResult = { service: Service; changedKeys: string[] };

/**
 * PUT /v1/project/{project}/service/{service}: plan, and user_config merged by the rule of
 * lib/services/merge.ts. Nothing changes unless everything is valid.
 */
export async function updateService(
  call: ServiceCall & { name: string; input: unknown; signingKeyKind?: SigningKeyKind },
): Promise<ServiceUpdateResult> {
  const input = parseInput(updateServiceSchema, call.input);
  return await inTransaction(call, async (call) => {
    const service = await getService({ ...call, name: call.name });
    assertMayChangeProject(call.access);
    const plan = input.plan ?? service.plan;
    if (!SERVICE_PLANS[service.serviceType].includes(plan)) {
      const message = `Plan must be one of ${SERVICE_PLANS[service.serviceType].join(', ')}`;
      throw new AppError('bad_request', message, { plan: [message] });
    }
    const userConfig = applyUserConfigPatch(service.serviceType, service.userConfig, input.user_config ?? {}, {
      signingKeyKind: call.signingKeyKind,
    });
    const changes = auditedChanges(service.serviceType, service.userConfig, userConfig);
    const changedKeys = Object.keys(changes.new).map((k) => k.replace(/^user_config\./, ''));
    if (plan !== service.plan) {
      changes.old.plan = service.plan;
      changes.new.plan = plan;
    }
    if (Object.keys(changes.new).length === 0) return { service, changedKeys };
    const updated = await updateRow(call.ctx, services, service.id, { plan, userConfig });
    await auditProject(call, call.access.project, {
      event: 'service.updated',
      details: { project: call.access.project.name, service: service.name, service_type: service.serviceType, ...changes },
    });
    return { service: updated, changedKeys };
  });
}

export async function deleteService(call: ServiceCall & { name: string }): Promise<void> {
  await inTransaction(call, async (call) => {
    const service = await getService({ ...call, name: call.name });
    assertMayChangeProject(call.access);
    await call.ctx.db.delete(services).where(eq(services.id, service.id));
    await auditProject(call, call.access.project, {
      event: 'service.deleted',
      details: {
        project: call.access.project.name,
        service: service.name,
        service_type: service.serviceType,
        ...auditedChanges(service.serviceType, service.userConfig, {}),
      },
    });
  });
}

/** The dotted keys of a patch whose change restarts the service's brokers (Kafka's OAUTHBEARER settings). */
export function rollingRestartKeys(serviceType: ServiceType, patchKeys: readonly string[]): string[] {
  const restarting = new Set(configOptions(serviceType).filter((o) => o.schema['x-rolling-restart']).map((o) => o.key));
  return patchKeys.filter((key) => restarting.has(key));
}

/**
 * The console asks before a change that restarts the brokers; its action refuses one that was
 * not confirmed. (The API does not ask: avn has no such prompt, and upstream restarts anyway.)
 */
export function assertRollingRestartConfirmed(serviceType: ServiceType, patchKeys: readonly string[], confirmed: boolean): void {
  const keys = rollingRestartKeys(serviceType, patchKeys);
  if (keys.length > 0 && !confirmed) {
    throw new AppError('bad_request', `Changing ${keys.join(', ')} restarts the Kafka brokers one by one: confirm it to save`);
  }
}

/**
 * Who may change a service (and so see its secrets and make the server fetch its JWKS URL): those
 * who may change its project (mayChangeProject: the organization's super admins, or the creator
 * of a standalone one), through a token whose scopes allow writing projects (a login session has
 * no scopes: it may).
 */
export function mayChangeService({ principal, access }: { principal: Principal; access: ProjectAccess }): boolean {
  return mayChangeProject(access) && scopesPermit(principal.token.scopes, { area: 'projects', access: 'write' });
}

/** Throws 403 unless the caller may change the service (see mayChangeService). */
export function assertMayChangeService(call: { principal: Principal; access: ProjectAccess }): void {
  assertMayChangeProject(call.access);
  if (!mayChangeService(call)) {
    throw new AppError('forbidden', `This token's scopes (${call.principal.token.scopes.join(', ')}) do not allow changing services of project ${call.access.project.name}`);
  }
}

/**
 * "Check JWKS endpoint": the server fetches a URL the caller typed, so only those who may change
 * the service may ask (a reader could otherwise point the server anywhere it can reach).
 */
export async function checkServiceJwks(
  call: { ctx: Ctx; principal: Principal; access: ProjectAccess; name: string; url: string },
  options?: JwksFetchOptions,
): Promise<Awaited<ReturnType<typeof checkJwksEndpoint>>> {
  await getService({ ...call });
  assertMayChangeService(call);
  return checkJwksEndpoint(call.url, options);
}

/**
 * The token tester. For Kafka it fetches the service's JWKS URL: like "Check JWKS endpoint", that
 * is for those who may change the service. OpenSearch's checks are local: any reader may run them.
 */
export async function testServiceToken(
  call: { ctx: Ctx; principal: Principal; access: ProjectAccess; name: string; token: string },
  loadJwks?: (url: string) => Promise<JSONWebKeySet>,
): Promise<TokenTestResult> {
  const service = await getService({ ...call });
  if (service.serviceType === 'kafka') assertMayChangeService(call);
  return testToken({ serviceType: service.serviceType, userConfig: service.userConfig, token: call.token, now: call.ctx.now, loadJwks });
}
