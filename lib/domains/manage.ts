import { domainToUnicode } from 'node:url';
import { and, asc, count, eq, inArray, ne, or, sql } from 'drizzle-orm';
import { authenticationMethods, domainAuthenticationMethods, domains, users, type Domain } from '@/db/schema';
import { assertSuperAdmin, audit, type OrgCall } from '@/lib/call';
import { iso, type Ctx } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { newDomainId } from '@/lib/ids';
import { newChallengeToken } from './challenge';
import type { CheckResult, CheckStatus } from './check-result';
import { checkDnsChallenge } from './dns-check';
import { checkHttpChallenge } from './http-check';
import { addDomainSchema, linkDomainSchema, updateDomainSchema } from './schema';
import { lookupSettings, type LookupSettings } from './settings';

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

/** True if this is SQLite refusing a duplicate in a unique index (drizzle may wrap it). */
function isUniqueViolation(error: unknown): boolean {
  for (let e = error as { code?: string; cause?: unknown } | undefined; e; e = e.cause as typeof e) {
    if (e.code === 'SQLITE_CONSTRAINT_UNIQUE') return true;
  }
  return false;
}

function linkedMethodIds(ctx: Ctx, domainIds: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>(domainIds.map((id) => [id, []]));
  if (domainIds.length === 0) return out;
  const rows = ctx.db
    .select({ domainId: domainAuthenticationMethods.domainId, methodId: domainAuthenticationMethods.methodId })
    .from(domainAuthenticationMethods)
    .where(inArray(domainAuthenticationMethods.domainId, domainIds))
    .orderBy(asc(domainAuthenticationMethods.createTime), asc(domainAuthenticationMethods.methodId))
    .all();
  for (const row of rows) out.get(row.domainId)!.push(row.methodId);
  return out;
}

function views(ctx: Ctx, rows: Domain[]): DomainView[] {
  const links = linkedMethodIds(
    ctx,
    rows.map((d) => d.id),
  );
  return rows.map((domain) => ({ domain, linkedMethodIds: links.get(domain.id)! }));
}

export function listDomains(call: ReadCall): DomainView[] {
  const organizationId = organizationOf(call);
  return views(
    call.ctx,
    call.ctx.db.select().from(domains).where(eq(domains.organizationId, organizationId)).orderBy(asc(domains.domainName)).all(),
  );
}

/** One domain of the caller's organization; 404 for any other id. */
export function getDomain(call: ReadCall, domainId: string): DomainView {
  const organizationId = organizationOf(call);
  const row = call.ctx.db
    .select()
    .from(domains)
    .where(and(eq(domains.id, domainId), eq(domains.organizationId, organizationId)))
    .get();
  if (!row) throw new AppError('not_found', `Domain ${domainId} not found`);
  return views(call.ctx, [row])[0]!;
}

export function addDomain(call: OrgCall & { input: unknown }): DomainView {
  const organizationId = organizationOf(call);
  const { domain_name, verification_type } = parseInput(addDomainSchema, call.input);
  const exists = () => new AppError('conflict', `Domain ${domain_name} already exists in this organization`, { domain_name: ['This domain already exists in this organization'] });
  // The unique index on (organization, name) refuses a duplicate, also when two requests add
  // the same name at once.
  try {
    return call.ctx.db.transaction(() => {
      const domain = call.ctx.db
        .insert(domains)
        .values({
          id: newDomainId(),
          organizationId,
          domainName: domain_name,
          verificationType: verification_type,
          challengeToken: newChallengeToken(),
          createTime: iso(call.ctx.now),
        })
        .returning()
        .get();
      audit(call, 'domain.created', { domain_id: domain.id, domain_name, verification_type }, organizationId);
      return { domain, linkedMethodIds: [] };
    });
  } catch (error) {
    if (isUniqueViolation(error)) throw exists();
    throw error;
  }
}

export function updateDomain(call: OrgCall & { domainId: string; input: unknown }): DomainView {
  const { domain: before } = getDomain(call, call.domainId);
  const { verification_type } = parseInput(updateDomainSchema, call.input);
  return call.ctx.db.transaction(() => {
    if (verification_type !== before.verificationType) {
      call.ctx.db.update(domains).set({ verificationType: verification_type }).where(eq(domains.id, before.id)).run();
      audit(call, 'domain.updated', {
          domain_id: before.id,
          domain_name: before.domainName,
          old: { verification_type: before.verificationType },
          new: { verification_type },
        }, before.organizationId);
    }
    return getDomain(call, before.id);
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
export function manageUsersOfDomain(ctx: Ctx, organizationId: string, domainName: string): number {
  // Application users' addresses are on .invalid, which cannot be added; checked anyway.
  return ctx.db
    .update(users)
    .set({ managingOrganizationId: organizationId })
    .where(
      and(
        onDomain(domainName),
        eq(users.isApplicationUser, false),
        or(sql`${users.managingOrganizationId} is null`, ne(users.managingOrganizationId, organizationId)),
      ),
    )
    .run().changes;
}

/** How many people the organization manages through this domain (what removing it releases). */
export function countManagedUsersOfDomain(ctx: Ctx, organizationId: string, domainName: string): number {
  return ctx.db
    .select({ n: count() })
    .from(users)
    .where(and(onDomain(domainName), eq(users.managingOrganizationId, organizationId)))
    .get()!.n;
}

/** Releases the organization's managed users on the domain (it was removed or became unverified). */
export function releaseUsersOfDomain(ctx: Ctx, organizationId: string, domainName: string): number {
  return ctx.db
    .update(users)
    .set({ managingOrganizationId: null })
    .where(and(onDomain(domainName), eq(users.managingOrganizationId, organizationId)))
    .run().changes;
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

function verifiedElsewhere(ctx: Ctx, domain: Domain): boolean {
  return !!ctx.db
    .select({ id: domains.id })
    .from(domains)
    .where(and(eq(domains.domainName, domain.domainName), eq(domains.state, 'verified'), ne(domains.id, domain.id)))
    .get();
}

/**
 * Looks for the challenge now and records what was found (time and result on the domain, an
 * audit event for every attempt). Found: the domain is verified and its people become managed
 * users, in one transaction. A domain verified by another organization answers 409.
 */
export async function verifyDomain(
  call: OrgCall & { domainId: string; settings?: LookupSettings; checker?: Checker },
): Promise<VerifyOutcome> {
  const { domain } = getDomain(call, call.domainId);
  const organizationId = domain.organizationId;
  const takenError = () =>
    new AppError('conflict', `Domain ${domain.domainName} is verified by another organization; one organization only can verify a domain`);
  const refuseTaken = (): never => {
    call.ctx.db.transaction(() =>
      audit(call, 'domain.verification_failed', { domain_id: domain.id, domain_name: domain.domainName, result: 'verified_by_another_organization' }, organizationId),
    );
    throw takenError();
  };
  if (domain.state !== 'verified' && verifiedElsewhere(call.ctx, domain)) refuseTaken();

  const result = await (call.checker ?? liveChecker)(domain, call.settings ?? lookupSettings());
  // The lookup took time: the domain may have changed meanwhile, so it is read again below.
  const { ctx } = call;
  const after = call;
  try {
    return ctx.db.transaction(
      () => {
        const { domain: current } = getDomain(after, domain.id);
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
            ctx.db.update(domains).set(update).where(eq(domains.id, current.id)).run();
            details.managed_users_added = manageUsersOfDomain(ctx, organizationId, current.domainName);
          } else {
            ctx.db.update(domains).set(update).where(eq(domains.id, current.id)).run();
            details.already_verified = true;
          }
          audit(after, 'domain.verified', details, organizationId);
        } else {
          if (current.state === 'verified' && DEFINITIVE_FAILURES.has(result.status)) {
            Object.assign(update, { state: 'unverified', verifiedTime: null });
            details.became_unverified = true;
            details.managed_users_released = releaseUsersOfDomain(ctx, organizationId, current.domainName);
          }
          ctx.db.update(domains).set(update).where(eq(domains.id, current.id)).run();
          audit(after, 'domain.verification_failed', details, organizationId);
        }
        return { ...getDomain(after, current.id), result };
      },
      { behavior: 'immediate' },
    );
  } catch (error) {
    // Another organization verified the same name while we looked: the partial unique index
    // (one verified row per name) refused this one.
    if (isUniqueViolation(error)) refuseTaken();
    throw error;
  }
}

export function deleteDomain(call: OrgCall & { domainId: string }): DomainView {
  const view = getDomain(call, call.domainId);
  const { domain } = view;
  return call.ctx.db.transaction(() => {
    // Links go with the domain by the foreign key's ON DELETE CASCADE.
    call.ctx.db.delete(domains).where(eq(domains.id, domain.id)).run();
    const released = domain.state === 'verified' ? releaseUsersOfDomain(call.ctx, domain.organizationId, domain.domainName) : 0;
    audit(call, 'domain.deleted', {
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
export function listLinkableMethods(call: ReadCall): LinkableMethod[] {
  const organizationId = organizationOf(call);
  return call.ctx.db
    .select({ id: authenticationMethods.id, name: authenticationMethods.name, type: authenticationMethods.type, enabled: authenticationMethods.enabled })
    .from(authenticationMethods)
    .where(and(eq(authenticationMethods.organizationId, organizationId), eq(authenticationMethods.type, 'saml')))
    .orderBy(asc(authenticationMethods.name), asc(authenticationMethods.id))
    .all();
}

function getMethod(call: ReadCall, methodId: string) {
  const organizationId = organizationOf(call);
  const method = call.ctx.db
    .select({ id: authenticationMethods.id, name: authenticationMethods.name, type: authenticationMethods.type })
    .from(authenticationMethods)
    .where(and(eq(authenticationMethods.id, methodId), eq(authenticationMethods.organizationId, organizationId)))
    .get();
  if (!method) throw new AppError('not_found', `Authentication method ${methodId} not found`);
  return method;
}

/** The domains linked to one identity provider of the organization. */
export function listMethodDomains(call: ReadCall, methodId: string): DomainView[] {
  getMethod(call, methodId);
  const rows = call.ctx.db
    .select({ domain: domains })
    .from(domainAuthenticationMethods)
    .innerJoin(domains, eq(domains.id, domainAuthenticationMethods.domainId))
    .where(eq(domainAuthenticationMethods.methodId, methodId))
    .orderBy(asc(domains.domainName))
    .all()
    .map((r) => r.domain);
  return views(call.ctx, rows);
}

/** Links a verified domain of the organization to one of its identity providers (idempotent). */
export function linkDomain(call: OrgCall & { methodId: string; input: unknown }): DomainView {
  const method = getMethod(call, call.methodId);
  const { domain_id } = parseInput(linkDomainSchema, call.input);
  const { domain, linkedMethodIds: linked } = getDomain(call, domain_id);
  if (method.type !== 'saml') {
    throw new AppError('bad_request', `Authentication method ${method.id} is not an identity provider (SAML): domains link to identity providers only`);
  }
  if (domain.state !== 'verified') {
    throw new AppError('conflict', `Domain ${domain.domainName} is not verified: verify it before linking it to an identity provider`);
  }
  if (linked.includes(method.id)) return getDomain(call, domain.id);
  return call.ctx.db.transaction(() => {
    call.ctx.db
      .insert(domainAuthenticationMethods)
      .values({ domainId: domain.id, methodId: method.id, createTime: iso(call.ctx.now) })
      .onConflictDoNothing()
      .run();
    audit(call, 'domain.linked', { domain_id: domain.id, domain_name: domain.domainName, authentication_method_id: method.id, authentication_method_name: method.name }, domain.organizationId);
    return getDomain(call, domain.id);
  });
}

export function unlinkDomain(call: OrgCall & { methodId: string; domainId: string }): DomainView {
  const method = getMethod(call, call.methodId);
  const { domain, linkedMethodIds: linked } = getDomain(call, call.domainId);
  if (!linked.includes(method.id)) {
    throw new AppError('not_found', `Domain ${domain.domainName} is not linked to authentication method ${method.id}`);
  }
  return call.ctx.db.transaction(() => {
    call.ctx.db
      .delete(domainAuthenticationMethods)
      .where(and(eq(domainAuthenticationMethods.domainId, domain.id), eq(domainAuthenticationMethods.methodId, method.id)))
      .run();
    audit(call, 'domain.unlinked', { domain_id: domain.id, domain_name: domain.domainName, authentication_method_id: method.id, authentication_method_name: method.name }, domain.organizationId);
    return getDomain(call, domain.id);
  });
}
