import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { first } from '@/db/async';
import { organizations } from '@/db/tables';
import { authenticate } from '@/lib/auth/gate';
import type { OrgCall } from '@/lib/call';
import type { Ctx } from '@/lib/context';
import { listMemberships } from '@/lib/model/memberships';
import { anotherInstance } from '@/lib/testing/db';
import { listAuditEvents, seedMembership, seedOrganization, seedToken, seedUser, testCtx } from '@/lib/testing/seed';
import { policyOf, policyToWire } from './policy';
import type { PolicyPatch } from './schema';
import { updatePolicy } from './update';

// Races between instances (issue 17): many PATCHes of one policy at once, spread over several
// connection pools on one database as several server instances would be (on SQLite, the one
// connection of the process). Each request's gate read the policy before any of them wrote, as
// requests that arrive together do; the end state must be one that applying the PATCHes one
// after the other, in some order, gives.

const META = { ip: '203.0.113.5', userAgent: 'vitest' };
const INSTANCES = 3;

/** A super admin's organization, and a function making the call of one request on instance `i`. */
async function world() {
  const ctx = testCtx();
  const instances: Ctx[] = [ctx, ...Array.from({ length: INSTANCES - 1 }, () => ({ ...ctx, db: anotherInstance(ctx.db) }))];
  const organization = await seedOrganization(ctx);
  const user = await seedUser(ctx, { passwordHash: 'x' });
  await seedMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: true });
  const { fullToken } = await seedToken(ctx, user.id, { kind: 'session' });
  /** What the gate of instance `i` resolves for a request (the organization row as it is now). */
  const request = async (i: number): Promise<OrgCall> => {
    const instance = instances[i % INSTANCES]!;
    const principal = await authenticate({ ctx: instance, input: { authorization: `aivenv1 ${fullToken}`, cookieToken: null, ...META } });
    const membership = (await listMemberships(instance, user.id)).find((m) => m.organization.id === organization.id)!;
    return { ctx: instance, principal, membership, meta: META };
  };
  const stored = async () => policyOf((await first(ctx.db.select().from(organizations).where(eq(organizations.id, organization.id)).limit(1)))!);
  const policyEvents = async () => (await listAuditEvents(ctx)).filter((e) => e.event === 'policy.updated');
  return { ctx, organization, request, stored, policyEvents };
}

/** Sends every patch at once, each through its own request; every one must succeed. */
async function patchAtOnce(request: (i: number) => Promise<OrgCall>, patches: PolicyPatch[]) {
  // Every gate reads first, so every request holds the policy as it was before all of them.
  const calls = await Promise.all(patches.map(async (_, i) => await request(i)));
  const results = await Promise.allSettled(patches.map(async (input, i) => await updatePolicy({ ...calls[i]!, input })));
  const failures = results.flatMap((r) => (r.status === 'rejected' ? [String(r.reason)] : []));
  expect(failures).toEqual([]);
}

describe('concurrent policy PATCHes on several instances', () => {
  it('200 PATCHes of different fields: every change is applied, each audited once with its true old value', async () => {
    const { request, stored, policyEvents } = await world();
    const before = policyToWire(await stored());
    // Fields whose change cannot lock the admin (a password session from META) out.
    const flips: PolicyPatch = {
      oauth_enabled: !before.oauth_enabled,
      oauth_google_enabled: !before.oauth_google_enabled,
      oauth_microsoft_enabled: !before.oauth_microsoft_enabled,
      oauth_github_enabled: !before.oauth_github_enabled,
      saml_enabled: !before.saml_enabled,
      saml_allow_external: !before.saml_allow_external,
      mcp_enabled: !before.mcp_enabled,
      personal_tokens_require_allowed_auth_method: !before.personal_tokens_require_allowed_auth_method,
      personal_tokens_mode: 'disabled_for_managed',
    };
    const fields = Object.keys(flips) as (keyof PolicyPatch)[];
    // PATCH i sets one field; each field is set by some 22 of the 200, all to the same new value.
    const patches = Array.from({ length: 200 }, (_, i): PolicyPatch => ({ [fields[i % fields.length]!]: flips[fields[i % fields.length]!] }));
    await patchAtOnce(request, patches);

    expect(policyToWire(await stored())).toEqual({ ...before, ...flips });
    // In any serial order the first PATCH of a field changes it and the others change nothing:
    // one event per field, old value the one before all of them.
    const events = await policyEvents();
    expect(events.map((e) => e.details).sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)))).toEqual(
      fields
        .map((field) => ({ old: { [field]: before[field] }, new: { [field]: flips[field] } }))
        .sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))),
    );
  });

  it('200 PATCHes of the IP allowlist to distinct values: the final value is one of them, and the audit log chains all 200 in one order', async () => {
    const { request, stored, policyEvents } = await world();
    // Each keeps the admin's own address in, so none is refused as a lockout.
    const allowlists = Array.from({ length: 200 }, (_, i) => ['203.0.113.0/24', `10.${i >> 8}.${i & 255}.0/24`]);
    await patchAtOnce(request, allowlists.map((ip_allowlist) => ({ ip_allowlist })));

    const final = (await stored()).ipAllowlist;
    expect(allowlists).toContainEqual(final);
    // Every PATCH changed the list, so each left one event. Followed from the list before all of
    // them ([]), each event's old value is the new value of the one before it: one serial order,
    // through all 200, ending at the stored value.
    const events = await policyEvents();
    expect(events).toHaveLength(200);
    const byOld = new Map(events.map((e) => [JSON.stringify((e.details as { old: { ip_allowlist: string[] } }).old.ip_allowlist), e]));
    expect(byOld.size).toBe(200);
    let value: string[] = [];
    const order: string[][] = [];
    for (let step = 0; step < 200; step++) {
      const event = byOld.get(JSON.stringify(value));
      expect(event, `no event follows ${JSON.stringify(value)} after ${step} steps`).toBeDefined();
      value = (event!.details as { new: { ip_allowlist: string[] } }).new.ip_allowlist;
      order.push(value);
    }
    expect(value).toEqual(final);
    expect(new Set(order.map((v) => JSON.stringify(v))).size).toBe(200);
  });
});
