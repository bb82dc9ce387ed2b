import { and, asc, eq, inArray } from 'drizzle-orm';
import { generate } from 'selfsigned';
import { type AuthenticationMethod, type SamlCertificate } from '@/db/schema';
import { authenticationMethods, domainAuthenticationMethods, domains, externalIdentities, samlCertificates, tokens } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { updateRow } from '@/lib/model/rows';
import { AppError, parseInput } from '@/lib/errors';
import { newAuthenticationMethodId, newRowId } from '@/lib/ids';
import { parseCertificate, type ParsedCertificate } from './certificate';
import { createMethodSchema, updateMethodSchema, type ParsedUpdateMethod } from './schema';
import { affectedRows, first, single } from '@/db/async';

// Identity providers of an organization: create, read, change, delete, and their certificates.
// Super admins only. Every change is audited inside its transaction.

export type LinkedDomain = { domainId: string; domainName: string; state: string };
export type MethodView = { method: AuthenticationMethod; certificates: SamlCertificate[]; linkedDomains: LinkedDomain[] };

/** Configured = the three IdP values are there; until then the method is pending_configuration. */
export function isConfigured(method: Pick<AuthenticationMethod, 'samlIdpUrl' | 'samlEntityId'>, certificates: readonly unknown[]): boolean {
  return !!method.samlIdpUrl && !!method.samlEntityId && certificates.length > 0;
}

export async function certificatesOf(ctx: Ctx, methodId: string): Promise<SamlCertificate[]> {
  return await ctx.db
    .select()
    .from(samlCertificates)
    .where(eq(samlCertificates.methodId, methodId))
    // Oldest first. Within one second (times have second precision), the one valid from earlier,
    // then the id: a fixed order, the same on both engines (SQLite's rowid is not on PostgreSQL).
    .orderBy(asc(samlCertificates.createTime), asc(samlCertificates.notBefore), asc(samlCertificates.id));
}

async function linkedDomainsOf(ctx: Ctx, methodId: string): Promise<LinkedDomain[]> {
  return await ctx.db
    .select({ domainId: domains.id, domainName: domains.domainName, state: domains.state })
    .from(domainAuthenticationMethods)
    .innerJoin(domains, eq(domains.id, domainAuthenticationMethods.domainId))
    .where(eq(domainAuthenticationMethods.methodId, methodId))
    .orderBy(asc(domains.domainName));
}

async function view(ctx: Ctx, method: AuthenticationMethod): Promise<MethodView> {
  return { method, certificates: await certificatesOf(ctx, method.id), linkedDomains: await linkedDomainsOf(ctx, method.id) };
}

export async function listMethods(call: Pick<OrgCall, 'ctx' | 'membership'>): Promise<MethodView[]> {
  assertSuperAdmin(call.membership);
  const methods = await call.ctx.db
    .select()
    .from(authenticationMethods)
    .where(eq(authenticationMethods.organizationId, call.membership.organization.id))
    .orderBy(asc(authenticationMethods.createTime), asc(authenticationMethods.name));
  return await Promise.all(methods.map((method) => view(call.ctx, method)));
}

/** One identity provider of the caller's organization; 404 for any other id. */
export async function getMethod(call: Pick<OrgCall, 'ctx' | 'membership'>, methodId: string): Promise<MethodView> {
  assertSuperAdmin(call.membership);
  const method = await first(
    call.ctx.db
      .select()
      .from(authenticationMethods)
      .where(and(eq(authenticationMethods.id, methodId), eq(authenticationMethods.organizationId, call.membership.organization.id)))
      .limit(1),
  );
  if (!method) throw new AppError('not_found', `Authentication method ${methodId} not found`);
  return await view(call.ctx, method);
}

function certificateOrThrow(pem: string, now: Date, field = 'saml_certificate'): ParsedCertificate {
  const result = parseCertificate(pem, now);
  if (!result.ok) throw new AppError('bad_request', result.reason, { [field]: [result.reason] });
  return result.certificate;
}

async function insertCertificate(ctx: Ctx, methodId: string, certificate: ParsedCertificate): Promise<SamlCertificate> {
  return await single(
    ctx.db
      .insert(samlCertificates)
      .values({
        id: newRowId(),
        methodId,
        pem: certificate.pem,
        subject: certificate.subject,
        issuer: certificate.issuer,
        notBefore: certificate.notBefore,
        notAfter: certificate.notAfter,
        createTime: iso(ctx.now),
      })
      .returning(),
  );
}

/** A new SP key pair (RSA 2048, self-signed for 10 years), to sign our authentication requests. */
export async function generateSpKeyPair(methodId: string): Promise<{ privateKey: string; certificate: string }> {
  const pems = await generate([{ name: 'commonName', value: `Portcullis SP ${methodId}` }], {
    keySize: 2048,
    notAfterDate: new Date(Date.now() + 3650 * 24 * 60 * 60 * 1000),
    algorithm: 'sha256',
  });
  return { privateKey: pems.private, certificate: pems.cert };
}

/** Columns set from the options of a create or update body. */
function optionColumns(input: ParsedUpdateMethod) {
  const columns: Partial<typeof authenticationMethods.$inferInsert> = {};
  if (input.authentication_method_name !== undefined) columns.name = input.authentication_method_name;
  if (input.authentication_method_enabled !== undefined) columns.enabled = input.authentication_method_enabled;
  if (input.vendor !== undefined) columns.vendor = input.vendor;
  if (input.saml_idp_url !== undefined) columns.samlIdpUrl = input.saml_idp_url;
  if (input.saml_entity_id !== undefined) columns.samlEntityId = input.saml_entity_id;
  if (input.saml_idp_login_allowed !== undefined) columns.samlIdpLoginAllowed = input.saml_idp_login_allowed;
  if (input.saml_assertion_signed_enabled !== undefined) columns.samlAssertionSignedEnabled = input.saml_assertion_signed_enabled;
  if (input.saml_authn_requests_signed_enabled !== undefined) columns.samlAuthnRequestsSignedEnabled = input.saml_authn_requests_signed_enabled;
  if (input.saml_requested_authn_context_enabled !== undefined) {
    columns.samlRequestedAuthnContextEnabled = input.saml_requested_authn_context_enabled;
  }
  if (input.saml_digest_algorithm !== undefined) columns.samlDigestAlgorithm = input.saml_digest_algorithm;
  if (input.saml_signature_algorithm !== undefined) columns.samlSignatureAlgorithm = input.saml_signature_algorithm;
  if (input.saml_field_mapping !== undefined) {
    columns.samlFieldMapping = Object.fromEntries(
      Object.entries(input.saml_field_mapping).map(([field, name]) => [field, name ? name : null]),
    );
  }
  if (input.saml_variant !== undefined) columns.samlVariant = input.saml_variant;
  if (input.auth_token_max_age_seconds !== undefined) columns.authTokenMaxAgeSeconds = input.auth_token_max_age_seconds;
  if (input.auth_token_extend_when_used !== undefined) columns.authTokenExtendWhenUsed = input.auth_token_extend_when_used;
  return columns;
}

/** DSA is refused outright; requests are signed (by @node-saml/node-saml) with RSA-SHA1, -SHA256 or -SHA512 only. */
function assertSupportedAlgorithm(method: Pick<AuthenticationMethod, 'samlSignatureAlgorithm' | 'samlAuthnRequestsSignedEnabled'>) {
  const algorithm = method.samlSignatureAlgorithm;
  if (algorithm === 'dsa-sha1' || (method.samlAuthnRequestsSignedEnabled && algorithm === 'rsa-sha384')) {
    const message = `${algorithm} is not supported for signing requests; choose rsa-sha256`;
    throw new AppError('bad_request', message, { saml_signature_algorithm: [message] });
  }
}

/**
 * An enabled provider needs the IdP's URL, entity ID and a certificate: a half-set-up IdP cannot
 * sign anyone in. Enabling one that lacks them is refused, and so is taking them from one enabled.
 */
function assertEnableable(method: AuthenticationMethod, certificates: readonly unknown[], enabling: boolean) {
  if (!method.enabled || isConfigured(method, certificates)) return;
  if (enabling) {
    throw new AppError('conflict', 'Set the IdP URL, entity ID and certificate before enabling this identity provider', {
      authentication_method_enabled: ['Set the IdP URL, entity ID and certificate first'],
    });
  }
  throw new AppError('conflict', 'This identity provider is enabled: disable it before removing its IdP URL, entity ID or certificate');
}

export async function createMethod(call: OrgCall & { input: unknown }): Promise<MethodView> {
  assertSuperAdmin(call.membership);
  const input = parseInput(createMethodSchema, call.input);
  if (input.authentication_method_type !== 'saml') {
    throw new AppError('bad_request', 'Only SAML identity providers can be added; the internal method (password) always exists', {
      authentication_method_type: ['Only "saml" can be created'],
    });
  }
  assertSupportedAlgorithm({
    samlSignatureAlgorithm: input.saml_signature_algorithm ?? 'rsa-sha256',
    samlAuthnRequestsSignedEnabled: input.saml_authn_requests_signed_enabled ?? false,
  });
  const certificate = input.saml_certificate ? certificateOrThrow(input.saml_certificate, call.ctx.now) : null;
  const organizationId = call.membership.organization.id;
  const domainIds = [...new Set((input.linked_domains ?? []).map((d) => d.domain_id))];
  if (domainIds.length) {
    const found = await call.ctx.db
      .select({ id: domains.id })
      .from(domains)
      .where(and(inArray(domains.id, domainIds), eq(domains.organizationId, organizationId)));
    const missing = domainIds.filter((id) => !found.some((d) => d.id === id));
    if (missing.length) {
      throw new AppError('bad_request', `Domain ${missing.join(', ')} is not a domain of this organization`, {
        linked_domains: [`Not a domain of this organization: ${missing.join(', ')}`],
      });
    }
  }
  const id = newAuthenticationMethodId();
  // Slow (RSA key generation): before the transaction, which must not hold the write lock meanwhile.
  const sp = await generateSpKeyPair(id);
  const now = iso(call.ctx.now);
  return await inTransaction(call, async (call) => {
    const method = await single(
      call.ctx.db
        .insert(authenticationMethods)
        .values({
          id,
          organizationId,
          name: input.authentication_method_name,
          type: 'saml',
          spPrivateKey: sp.privateKey,
          spCertificate: sp.certificate,
          createTime: now,
          updateTime: now,
          ...optionColumns({ ...input, authentication_method_enabled: undefined }),
        })
        .returning(),
    );
    if (certificate) await insertCertificate(call.ctx, id, certificate);
    for (const domainId of domainIds) {
      await call.ctx.db.insert(domainAuthenticationMethods).values({ domainId, methodId: id, createTime: now });
    }
    await audit(call, 'identity_provider.created', { authentication_method_id: id, name: method.name, vendor: method.vendor, linked_domains: domainIds }, call.membership!.organization.id);
    return await view(call.ctx, method);
  });
}

const AUDITED_COLUMNS: Record<string, keyof AuthenticationMethod> = {
  authentication_method_name: 'name',
  authentication_method_enabled: 'enabled',
  vendor: 'vendor',
  saml_idp_url: 'samlIdpUrl',
  saml_entity_id: 'samlEntityId',
  saml_idp_login_allowed: 'samlIdpLoginAllowed',
  saml_assertion_signed_enabled: 'samlAssertionSignedEnabled',
  saml_authn_requests_signed_enabled: 'samlAuthnRequestsSignedEnabled',
  saml_requested_authn_context_enabled: 'samlRequestedAuthnContextEnabled',
  saml_digest_algorithm: 'samlDigestAlgorithm',
  saml_signature_algorithm: 'samlSignatureAlgorithm',
  saml_field_mapping: 'samlFieldMapping',
  saml_variant: 'samlVariant',
  auth_token_max_age_seconds: 'authTokenMaxAgeSeconds',
  auth_token_extend_when_used: 'authTokenExtendWhenUsed',
};

/** PUT: a partial change. `saml_certificate` replaces every certificate with the one given. */
export async function updateMethod(call: OrgCall & { methodId: string; input: unknown }): Promise<MethodView> {
  const before = await getMethod(call, call.methodId);
  const input = parseInput(updateMethodSchema, call.input);
  const certificate = input.saml_certificate ? certificateOrThrow(input.saml_certificate, call.ctx.now) : null;
  const columns = optionColumns(input);
  const after = { ...before.method, ...columns } as AuthenticationMethod;
  assertSupportedAlgorithm(after);
  const certificatesAfter = input.saml_certificate === undefined ? before.certificates : certificate ? [certificate] : [];
  assertEnableable(after, certificatesAfter, input.authentication_method_enabled === true);
  const changed = Object.entries(AUDITED_COLUMNS).filter(
    ([, column]) => column in columns && JSON.stringify(before.method[column]) !== JSON.stringify(columns[column as keyof typeof columns]),
  );
  return await inTransaction(call, async (call) => {
    const method = await updateRow(call.ctx, authenticationMethods, call.methodId, columns);
    if (input.saml_certificate !== undefined) {
      await call.ctx.db.delete(samlCertificates).where(eq(samlCertificates.methodId, call.methodId));
      if (certificate) await insertCertificate(call.ctx, call.methodId, certificate);
    }
    if (changed.length || input.saml_certificate !== undefined) {
      await audit(call, 'identity_provider.updated', {
          authentication_method_id: call.methodId,
          name: method.name,
          old: Object.fromEntries(changed.map(([key, column]) => [key, before.method[column]])),
          new: Object.fromEntries(changed.map(([key, column]) => [key, method[column]])),
          ...(input.saml_certificate !== undefined ? { certificate_replaced: certificate ? certificate.subject : null } : {}),
        }, call.membership!.organization.id);
    }
    return await view(call.ctx, method);
  });
}

/** Adds a certificate beside the current ones: both are accepted until the old one is removed. */
export async function addCertificate(call: OrgCall & { methodId: string; pem: string }): Promise<MethodView> {
  const before = await getMethod(call, call.methodId);
  const certificate = certificateOrThrow(call.pem, call.ctx.now);
  if (before.certificates.some((c) => c.pem === certificate.pem)) {
    throw new AppError('conflict', 'This certificate is already there', { saml_certificate: ['This certificate is already there'] });
  }
  return await inTransaction(call, async (call) => {
    await insertCertificate(call.ctx, call.methodId, certificate);
    await updateRow(call.ctx, authenticationMethods, call.methodId, {});
    await audit(call, 'identity_provider.certificate_added', { authentication_method_id: call.methodId, name: before.method.name, subject: certificate.subject, not_after: certificate.notAfter }, call.membership!.organization.id);
    return await view(call.ctx, before.method);
  });
}

/** Removes one certificate. The last one of an enabled provider stays: remove it by disabling first. */
export async function removeCertificate(call: OrgCall & { methodId: string; certificateId: string }): Promise<MethodView> {
  const before = await getMethod(call, call.methodId);
  const certificate = before.certificates.find((c) => c.id === call.certificateId);
  if (!certificate) throw new AppError('not_found', 'Certificate not found');
  if (before.method.enabled && before.certificates.length === 1) {
    throw new AppError('conflict', 'This is the only certificate of an enabled identity provider: add the new one first, or disable the provider');
  }
  return await inTransaction(call, async (call) => {
    await call.ctx.db.delete(samlCertificates).where(eq(samlCertificates.id, certificate.id));
    await audit(call, 'identity_provider.certificate_removed', { authentication_method_id: call.methodId, name: before.method.name, subject: certificate.subject, not_after: certificate.notAfter }, call.membership!.organization.id);
    return await view(call.ctx, before.method);
  });
}

/**
 * Deletes the provider: its certificates, requests and domain links go by the foreign keys; the
 * sessions signed in through it and the accounts' links to it go here. Returns how many sessions ended.
 */
export async function deleteMethod(call: OrgCall & { methodId: string }): Promise<number> {
  const { method } = await getMethod(call, call.methodId);
  const provider = `saml:${method.id}`;
  return await inTransaction(call, async (call) => {
    const ended = affectedRows(await call.ctx.db.delete(tokens).where(and(eq(tokens.authMethod, provider), eq(tokens.kind, 'session'))));
    await call.ctx.db.delete(externalIdentities).where(eq(externalIdentities.provider, provider));
    await call.ctx.db.delete(authenticationMethods).where(eq(authenticationMethods.id, method.id));
    await audit(call, 'identity_provider.deleted', { authentication_method_id: method.id, name: method.name, sessions_ended: ended }, call.membership!.organization.id);
    return ended;
  });
}
