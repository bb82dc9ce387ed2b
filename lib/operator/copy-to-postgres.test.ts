import { count } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { asyncPostgresOver } from '@/db/async';
import { useTestPostgres } from '@/db/postgres-test-cluster';
import * as pgSchema from '@/db/schema.pg';
import { useEngine } from '@/db/tables';
import { isOperatorEvent } from '@/lib/audit/record';
import { auditEventToWire } from '@/lib/audit-log/wire';
import { runAdmin } from './cli-testing';
import { addMember, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { listAuditEvents, testCtxInFile } from '@/lib/testing/seed';

// npm run admin -- copy-to-postgres, through the command line's flow, into a real PostgreSQL.
// The copy itself is tested in db/copy-to-postgres.test.ts; here: what the operator sees (never
// the password), the confirmation, the exit codes and the audit record.

const { freshDatabase, open } = useTestPostgres('admin');

/** The database's URL with a password that is easy to spot anywhere in the output. */
async function targetUrl() {
  const url = new URL(await freshDatabase());
  const password = url.password;
  return { url: url.toString(), password, masked: url.toString().replace(`:${password}@`, ':***@') };
}

async function setup() {
  const ctx = testCtxInFile();
  const { organization } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test' });
  await addMember(ctx, organization.id, { email: 'bob@acme.test' });
  const globex = (await seedOrganizationWithAdmin(ctx, { name: 'Globex' })).organization;
  return { ctx, organization, globex };
}

const organizationsIn = async (url: string) => {
  const db = open(url);
  return (await db.select({ n: count() }).from(pgSchema.organizations))[0]!.n;
};

describe('npm run admin -- copy-to-postgres', () => {
  it('shows the plan, asks, copies, prints each table verified and audits it, never showing the password', async () => {
    const { ctx, organization, globex } = await setup();
    const { url, password, masked } = await targetUrl();
    const result = await runAdmin(ctx, ['copy-to-postgres', url], true);
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    expect(result.questions).toEqual([`Copy 11 rows into ${masked}? [y/N] `]);
    expect(result.out).toContain(`Copy this installation's SQLite database into the PostgreSQL database ${masked}:`);
    expect(result.out).toMatch(/\n {2}11 rows in 28 tables: organizations 2, users 3, memberships 3, password_credentials 3 \(the other 24 are empty\)\n/);
    expect(result.out).toMatch(/\n {2}organizations +2 rows +checksum match \(sha256 [0-9a-f]{16}…\)\n/);
    expect(result.out).toMatch(/\n {2}users +3 rows +checksum match/);
    expect(result.out).toMatch(/Copied and verified \d+ rows in \d+ tables\. Recorded in the audit log\.$/);
    for (const text of [result.out, result.err, ...result.questions]) expect(text).not.toContain(password);
    expect(await organizationsIn(url)).toBe(2);

    // In each organization's log, in the SQLite database, with the password masked.
    const events = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(events.map((e) => e.organizationId).sort()).toEqual([organization.id, globex.id].sort());
    expect(events[0]).toMatchObject({
      event: 'operator.database_copied',
      time: '2026-03-01T12:05:00Z',
      details: { target: masked, tables: expect.any(Number), rows: expect.any(Number), operator: { os_user: 'ops', host: 'host-1' } },
    });
    expect(JSON.stringify(events)).not.toContain(password);
    expect(auditEventToWire(events[0]!, organization).action_description).toMatch(
      new RegExp(`^Operator copied the whole database \\(\\d+ rows\\) to PostgreSQL at ${masked.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}$`),
    );
  });

  it('a refused confirmation copies nothing and exits 1', async () => {
    const { ctx } = await setup();
    const { url, password } = await targetUrl();
    const result = await runAdmin(ctx, ['copy-to-postgres', url], false);
    expect(result).toMatchObject({ code: 1, err: 'Not confirmed: nothing changed.' });
    expect(result.out + result.questions.join('')).not.toContain(password);
    // Not even migrated.
    const { rows } = await open(url).$client.query("select count(*)::int as n from information_schema.tables where table_schema = 'public'");
    expect(rows[0].n).toBe(0);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });

  it('a target with rows is refused, naming the table, with the password masked even in the error', async () => {
    const { ctx } = await setup();
    const { url, password, masked } = await targetUrl();
    expect((await runAdmin(ctx, ['copy-to-postgres', url, '--yes'])).code).toBe(0);
    const again = await runAdmin(ctx, ['copy-to-postgres', url, '--yes']);
    expect(again.code).toBe(1);
    expect(again.err).toBe(
      'Error: The PostgreSQL database is not empty: table "organizations" has rows. copy-to-postgres copies into an empty database only; nothing was copied.',
    );
    expect(again.out).toContain(masked);
    expect(again.out + again.err).not.toContain(password);
    expect(await organizationsIn(url)).toBe(2);
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toHaveLength(2); // the first copy's, one per organization

    // A connection PostgreSQL refuses: the error says why, and shows nothing of the password tried.
    const wrong = url.replace(`:${password}@`, ':not-the-password@');
    const refused = await runAdmin(ctx, ['copy-to-postgres', wrong, '--yes']);
    expect(refused.code).toBe(1);
    expect(refused.err).toBe('Error: password authentication failed for user "portcullis"');
    expect(refused.out + refused.err).not.toContain('not-the-password');
  });

  it('a URL that is not PostgreSQL\'s is refused without echoing it', async () => {
    const { ctx } = await setup();
    for (const url of ['mysql://root:hunter2@db/portcullis', 'hunter2', 'postgres://']) {
      const result = await runAdmin(ctx, ['copy-to-postgres', url], true);
      expect(result.code).toBe(1);
      expect(result.err).toBe('Error: postgres-url: Name the PostgreSQL database as a URL: postgres://user:password@host:5432/database');
      expect(result.out + result.err).not.toContain('hunter2');
      expect(result.questions).toEqual([]);
    }
    expect((await runAdmin(null, ['copy-to-postgres'])).err).toContain('Error: usage: copy-to-postgres <postgres-url>');
  });

  it('an installation already on PostgreSQL is told so before anything is read or asked', async () => {
    const { url, password } = await targetUrl();
    useEngine('postgres');
    try {
      const ctx = { db: asyncPostgresOver(open(url)), now: new Date() };
      const result = await runAdmin(ctx, ['copy-to-postgres', url], true);
      expect(result.code).toBe(1);
      expect(result.err).toBe(
        'Error: This installation already runs on PostgreSQL (DATABASE_URL): there is no SQLite database to copy. Use pg_dump to copy one PostgreSQL database to another.',
      );
      expect(result.questions).toEqual([]);
      expect(result.out + result.err).not.toContain(password);
    } finally {
      useEngine('sqlite');
    }
  });
});
