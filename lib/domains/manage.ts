import { domainToUnicode } from 'node:url';
import { and, asc, count, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { type Domain } from '@/db/schema';
import { authenticationMethods, domainAuthenticationMethods, domains, users } from '@/db/tables';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { type Ctx, inTransaction, iso } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newDomainId } from '@/lib/ids';
import { newChallengeToken } from './challenge';
import type { CheckResult, CheckStatus } from './check-result';
import { checkDnsChallenge } from './dns-check';
import { checkHttpChallenge } from './http-check';
import { addDomainSchema, linkDomainSchema, updateDomainSchema } from './schema';
import { lookupSettings, type LookupSettings } from './settings';
import { affectedRows, first, isUniqueViolation, single } from '@/db/async';

// An organization's domains (Admin → Domains and /v1/organization/{org}/domains): added
// unverified with a random challenge, verified by finding the challenge in DNS (or over HTTP),
// then linked to the organization's identity providers. A verified domain makes the people
// with addresses on it the organization's managed users. Super admins of the organization
// only; another organization's domain or identity provider is "not found", whoever asks.

type ReadCall = Pick<OrgCall, 'ctx' | 'membership'>;

export type DomainView = { domain: Domain; linkedMethodIds: string[] };

export type LinkableMethod = { id: string; name: string; type: 'internal' | 'saml'; enabled: boolean };

function organizationOf(call: ReadCall): string {
  assertSuperAdmin(call.membership);
  return call.membership.organization.id;
}

async function linkedMethodIds(ctx: Ctx, domainIds: string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(domainIds.map((id) => [id, []]));
  if (domainIds.length === 0) return out;
  const rows = await ctx.db
    .select({ domainId: domainAuthenticationMethods.domainId, methodId: domainAuthenticationMethods.methodId })
    .from(domainAuthenticationMethods)
    .where(inArray(domainAuthenticationMethods.domainId, domainIds))
    .orderBy(asc(domainAuthenticationMethods.createTime), asc(domainAuthenticationMethods.methodId));
  for (const row of rows) out.get(row.domainId)!.push(row.methodId);
  return out;
}

async function views(ctx: Ctx, rows: Domain[]): Promise<DomainView[]> {
  const links = await linkedMethodIds(
    ctx,
    rows.map((d) => d.id),
  );
  return rows.map((domain) => ({ domain, linkedMethodIds: links.get(domain.id)! }));
}

export async function listDomains(call: ReadCall): Promise<DomainView[]> {
  const organizationId = organizationOf(call);
  return await views(
    call.ctx,
    await call.ctx.db.select().from(domains).where(eq(domains.organizationId, organizationId)).orderBy(asc(domains.domainName)),
  );
}

/** One domain of the caller's organization; 404 for any other id. */
export async function getDomain(call: ReadCall, domainId: string): Promise<DomainView> {
  const organizationId = organizationOf(call);
  const row = await first(
    call.ctx.db
      .select()
      .from(domains)
      .where(and(eq(domains.id, domainId), eq(domains.organizationId, organizationId)))
      .limit(1),
  );
  if (!row) throw new AppError('not_found', `Domain ${domainId} not found`);
  return (await views(call.ctx, [row]))[0]!;
}

export async function addDomain(call: OrgCall & { input: unknown }): Promise<DomainView> {
  const organizationId = organizationOf(call);
  const { domain_name, verification_type } = parseInput(addDomainSchema, call.input);
  const exists = () => new AppError('conflict', `Domain ${domain_name} already exists in this organization`, { domain_name: ['This domain already exists in this organization'] });
  // The unique index on (organization, name) refuses a duplicate, also when two requests add
  // the same name at once.
  try {
    return await inTransaction(call, async (call) => {
      const domain = await single(
        call.ctx.db
          .insert(domains)
          .values({
            id: newDomainId(),
            organizationId,
            domainName: domain_name,
            verificationType: verification_type,
            challengeToken: newChallengeToken(),
            createTime: iso(call.ctx.now),
          })
          .returning(),
      );
      await audit(call, 'domain.created', { domain_id: domain.id, domain_name, verification_type }, organizationId);
      return { domain, linkedMethodIds: [] };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}

export async function updateDomain(call: OrgCall & { domainId: string; input: unknown }): Promise<DomainView> {
  const { domain: before } = await getDomain(call, call.domainId);
  const { verification_type } = parseInput(updateDomainSchema, call.input);
  return await inTransaction(call, async (call) => {
    if (verification_type !== before.verificationType) {
      await call.ctx.db.update(domains).set({ verificationType: verification_type }).where(eq(domains.id, before.id));
      await audit(call, 'domain.updated', {
          domain_id: before.id,
          domain_name: before.domainName,
          old: { verification_type: before.verificationType },
          new: { verification_type },
        }, before.organizationId);
    }
    return await getDomain(call, before.id);
  });
}

// ---------------------------------------------------------------------------------------------
// Managed users

/** The LIKE patterns of addresses on a domain: its ASCII form and, for IDNs, its Unicode form. */
function addressPatterns(domainName: string): string[] {
  const forms = new Set([domainName, domainToUnicode(domainName)].filter(Boolean));
  // Host names hold only [a-z0-9.-] (and letters for the Unicode form): no LIKE wildcards.
  return [...forms].map((name) => `%@${name}`);
}

function onDomain(domainName: string) {
  return or(...addressPatterns(domainName).map((pattern) => sql`lower(${users.email}) like ${pattern}`))!;
}

/** Makes the people with addresses on the domain managed by the organization; returns how many changed. */
export async function manageUsersOfDomain(ctx: Ctx, organizationId: string, domainName: string): Promise<number> {
  // Application users' addresses are on .invalid, which cannot be added; checked anyway.
  return affectedRows(await ctx.db
    .update(users)
    .set({ managingOrganizationId: organizationId })
    .where(
      and(
        onDomain(domainName),
        eq(users.isApplicationUser, false),
        or(sql`${users.managingOrganizationId} is null`, ne(users.managingOrganizationId, organizationId)),
      ),
    ));
}

/** How many people the organization manages through this domain (what removing it releases). */
export async function countManagedUsersOfDomain(ctx: Ctx, organizationId: string, domainName: string): Promise<number> {
  return (await first(
    ctx.db
      .select({ n: count() })
      .from(users)
      .where(and(onDomain(domainName), eq(users.managingOrganizationId, organizationId)))
      .limit(1),
  ))!.n;
}

/** Releases the organization's managed users on the domain (it was removed or became unverified). */
export async function releaseUsersOfDomain(ctx: Ctx, organizationId: string, domainName: string): Promise<number> {
  return affectedRows(await ctx.db
    .update(users)
    .set({ managingOrganizationId: null })
    .where(and(onDomain(domainName), eq(users.managingOrganizationId, organizationId))));
}

// ---------------------------------------------------------------------------------------------
// Verification

// Outcomes that say the proof is not there (as opposed to not knowing: a timeout or an error).
// A verified domain whose proof is gone becomes unverified again.
const DEFINITIVE_FAILURES: ReadonlySet<CheckStatus> = new Set(['no_txt_record', 'mismatch', 'nxdomain', 'http_status']);

export type VerifyOutcome = DomainView & { result: CheckResult };

export type Checker = (domain: Domain, settings: LookupSettings) => Promise<CheckResult>;

const liveChecker: Checker = (domain, settings) =>
  domain.verificationType === 'http'
    ? checkHttpChallenge(domain.domainName, domain.challengeToken, settings)
    : checkDnsChallenge(domain.domainName, domain.challengeToken, settings);

async function verifiedElsewhere(ctx: Ctx, domain: Domain): Promise<boolean> {
  return !!await first(
    ctx.db
      .select({ id: domains.id })
      .from(domains)
      .where(and(eq(domains.domainName, domain.domainName), eq(domains.state, 'verified'), ne(domains.id, domain.id)))
      .limit(1),
  );
}

/**
 * Looks for the challenge now and records what was found (time and result on the domain, an
 * audit event for every attempt). Found: the domain is verified and its people become managed
 * users, in one transaction. A domain verified by another organization answers 409.
 */
export async function verifyDomain(
  call: OrgCall & { domainId: string; settings?: LookupSettings; checker?: Checker },
): Promise<VerifyOutcome> {
  const { domain } = await getDomain(call, call.domainId);
  const organizationId = domain.organizationId;
  const takenError = () =>
    new AppError('conflict', `Domain ${domain.domainName} is verified by another organization; one organization only can verify a domain`);
  const refuseTaken = async (): Promise<never> => {
    await inTransaction(call, async (call) =>
      await audit(call, 'domain.verification_failed', { domain_id: domain.id, domain_name: domain.domainName, result: 'verified_by_another_organization' }, organizationId),
    );
    throw takenError();
  };
  if (domain.state !== 'verified' && await verifiedElsewhere(call.ctx, domain)) await refuseTaken();

  const result = await (call.checker ?? liveChecker)(domain, call.settings ?? lookupSettings());
  // The lookup took time: the domain may have changed meanwhile, so it is read again below.
  try {
    return await inTransaction(call, async (call) => {
        const { ctx } = call;
        const { domain: current } = await getDomain(call, domain.id);
        const update: Partial<Domain> = { lastCheckTime: iso(ctx.now), lastCheckResult: result };
        const details: Record<string, unknown> = {
          domain_id: current.id,
          domain_name: current.domainName,
          verification_type: result.verification_type,
          result: result.status,
          ...(result.records ? { records: result.records } : {}),
          ...(result.detail ? { error: result.detail } : {}),
        };
        if (result.status === 'verified') {
          if (current.state !== 'verified') {
            Object.assign(update, { state: 'verified', verifiedTime: iso(ctx.now) });
            await ctx.db.update(domains).set(update).where(eq(domains.id, current.id));
            details.managed_users_added = await manageUsersOfDomain(ctx, organizationId, current.domainName);
          } else {
            await ctx.db.update(domains).set(update).where(eq(domains.id, current.id));
            details.already_verified = true;
          }
          await audit(call, 'domain.verified', details, organizationId);
        } else {
          if (current.state === 'verified' && DEFINITIVE_FAILURES.has(result.status)) {
            Object.assign(update, { state: 'unverified', verifiedTime: null });
            details.became_unverified = true;
            details.managed_users_released = await releaseUsersOfDomain(ctx, organizationId, current.domainName);
          }
          await ctx.db.update(domains).set(update).where(eq(domains.id, current.id));
          await audit(call, 'domain.verification_failed', details, organizationId);
        }
        return { ...await getDomain(call, current.id), result };
      },
    );
  } catch (error) {
    // Another organization verified the same name while we looked: the partial unique index
    // (one verified row per name) refused this one.
    if (isUniqueViolation(error)) await refuseTaken();
    throw error;
  }
}

export async function deleteDomain(call: OrgCall & { domainId: string }): Promise<DomainView> {
  const view = await getDomain(call, call.domainId);
  const { domain } = view;
  return await inTransaction(call, async (call) => {
    // Links go with the domain by the foreign key's ON DELETE CASCADE.
    await call.ctx.db.delete(domains).where(eq(domains.id, domain.id));
    const released = domain.state === 'verified' ? await releaseUsersOfDomain(call.ctx, domain.organizationId, domain.domainName) : 0;
    await audit(call, 'domain.deleted', {
        domain_id: domain.id,
        domain_name: domain.domainName,
        state: domain.state,
        unlinked_authentication_method_ids: view.linkedMethodIds,
        managed_users_released: released,
      }, domain.organizationId);
    return view;
  });
}

// ---------------------------------------------------------------------------------------------
// Links to identity providers

/** The organization's identity providers, for the page's link choices. */
export async function listLinkableMethods(call: ReadCall): Promise<LinkableMethod[]> {
  const organizationId = organizationOf(call);
  return await call.ctx.db
    .select({ id: authenticationMethods.id, name: authenticationMethods.name, type: authenticationMethods.type, enabled: authenticationMethods.enabled })
    .from(authenticationMethods)
    .where(and(eq(authenticationMethods.organizationId, organizationId), eq(authenticationMethods.type, 'saml')))
    .orderBy(asc(authenticationMethods.name), asc(authenticationMethods.id));
}

async function getMethod(call: ReadCall, methodId: string) {
  const organizationId = organizationOf(call);
  const method = await first(
    call.ctx.db
      .select({ id: authenticationMethods.id, name: authenticationMethods.name, type: authenticationMethods.type })
      .from(authenticationMethods)
      .where(and(eq(authenticationMethods.id, methodId), eq(authenticationMethods.organizationId, organizationId)))
      .limit(1),
  );
  if (!method) throw new AppError('not_found', `Authentication method ${methodId} not found`);
  return method;
}

/** The domains linked to one identity provider of the organization. */
export async function listMethodDomains(call: ReadCall, methodId: string): Promise<DomainView[]> {
  await getMethod(call, methodId);
  const rows = (await call.ctx.db
    .select({ domain: domains })
    .from(domainAuthenticationMethods)
    .innerJoin(domains, eq(domains.id, domainAuthenticationMethods.domainId))
    .where(eq(domainAuthenticationMethods.methodId, methodId))
    .orderBy(asc(domains.domainName)))
    .map((r) => r.domain);
  return await views(call.ctx, rows);
}

/** Links a verified domain of the organization to one of its identity providers (idempotent). */
export async function linkDomain(call: OrgCall & { methodId: string; input: unknown }): Promise<DomainView> {
  const method = await getMethod(call, call.methodId);
  const { domain_id } = parseInput(linkDomainSchema, call.input);
  const { domain, linkedMethodIds: linked } = await getDomain(call, domain_id);
  if (method.type !== 'saml') {
    throw new AppError('bad_request', `Authentication method ${method.id} is not an identity provider (SAML): domains link to identity providers only`);
  }
  if (domain.state !== 'verified') {
    throw new AppError('conflict', `Domain ${domain.domainName} is not verified: verify it before linking it to an identity provider`);
  }
  if (linked.includes(method.id)) return await getDomain(call, domain.id);
  return await inTransaction(call, async (call) => {
    await call.ctx.db
      .insert(domainAuthenticationMethods)
      .values({ domainId: domain.id, methodId: method.id, createTime: iso(call.ctx.now) })
      .onConflictDoNothing();
    await audit(call, 'domain.linked', { domain_id: domain.id, domain_name: domain.domainName, authentication_method_id: method.id, authentication_method_name: method.name }, domain.organizationId);
    return await getDomain(call, domain.id);
  });
}

export async function unlinkDomain(call: OrgCall & { methodId: string; domainId: string }): Promise<DomainView> {
  const method = await getMethod(call, call.methodId);
  const { domain, linkedMethodIds: linked } = await getDomain(call, call.domainId);
  if (!linked.includes(method.id)) {
    throw new AppError('not_found', `Domain ${domain.domainName} is not linked to authentication method ${method.id}`);
  }
  return await inTransaction(call, async (call) => {
    await call.ctx.db
      .delete(domainAuthenticationMethods)
      .where(and(eq(domainAuthenticationMethods.domainId, domain.id), eq(domainAuthenticationMethods.methodId, method.id)));
    await audit(call, 'domain.unlinked', { domain_id: domain.id, domain_name: domain.domainName, authentication_method_id: method.id, authentication_method_name: method.name }, domain.organizationId);
    return await getDomain(call, domain.id);
  });
}
