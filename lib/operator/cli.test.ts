import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { memberships, organizations } from '@/db/tables';
import { isOperatorEvent } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';
import { addMember, seedOrganizationWithAdmin } from '@/lib/testing/members';
import { listAuditEvents, testCtxInFile } from '@/lib/testing/seed';
import { runAdmin as run } from './cli-testing';
import { operatorCommands } from './commands';
import { first } from '@/db/async';

// The command line's flow (parse, preview, confirm, apply, exit code) with a fake terminal.

async function setup() {
  const ctx = testCtxInFile();
  const { organization, admin } = await seedOrganizationWithAdmin(ctx, { name: 'Acme', adminEmail: 'admin@acme.test' });
  const bob = await addMember(ctx, organization.id, { email: 'bob@acme.test' });
  await ctx.db.update(organizations).set({ passwordAuthEnabled: false, ipAllowlist: ['10.0.0.0/8'] }).where(eq(organizations.id, organization.id));
  return { ctx, organization, admin, bob };
}

const superAdmin = async (ctx: Ctx, organizationId: string, userId: string) =>
  (await ctx.db.select().from(memberships).where(eq(memberships.userId, userId))).find((m) => m.organizationId === organizationId)!.isSuperAdmin;

describe('npm run admin', () => {
  it('--help lists every command with an example, and opens no database', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['make-super-admin', '--help']]) {
      const result = await run(null, argv);
      expect(result.code).toBe(0);
      expect(result.opened).toBe(0);
      expect(result.out).toContain('list-organizations [--json]');
      for (const command of operatorCommands) {
        expect(result.out).toContain(`  ${[command.name, ...command.args.map((a) => `<${a}>`)].join(' ')}`);
        expect(result.out).toContain(`e.g. ${command.example}`);
      }
    }
  });

  it('answers wrong usage with a message and exit code 2, before touching the database', async () => {
    const cases: [string[], string][] = [
      [[], 'Error: name a command'],
      [['frobnicate'], 'Error: unknown command "frobnicate"'],
      [['unlock-organization'], 'Error: usage: unlock-organization <organization> (e.g. npm run admin -- unlock-organization org1a2b3c4d5e6)'],
      [['make-super-admin', 'bob@acme.test'], 'Error: usage: make-super-admin <user> <organization>'],
      [['make-super-admin', 'a', 'b', 'c'], 'Error: usage: make-super-admin <user> <organization>'],
      [['list-organizations', 'extra'], 'Error: list-organizations takes no arguments'],
      [['unlock-organization', 'Acme', '--force'], "Error: Unknown option '--force'"],
      [['unlock-organization', 'Acme', '--json'], 'Error: --json is for list-organizations only'],
    ];
    for (const [argv, message] of cases) {
      const result = await run(null, argv);
      expect(result.code, argv.join(' ')).toBe(2);
      expect(result.err, argv.join(' ')).toContain(message);
      expect(result.err).toContain('Run "npm run admin -- --help" for the commands.');
      expect(result.opened).toBe(0);
    }
  });

  it('a refused confirmation changes nothing and exits 1', async () => {
    const { ctx, organization, bob } = await setup();
    const result = await run(ctx, ['make-super-admin', 'bob@acme.test', 'Acme'], false);
    expect(result.code).toBe(1);
    expect(result.questions).toEqual([`Make bob@acme.test a super admin of "Acme" (${organization.id})? [y/N] `]);
    expect(result.out).toContain('they will become a super admin');
    expect(result.err).toBe('Not confirmed: nothing changed.');
    expect(await superAdmin(ctx, organization.id, bob.id)).toBe(false);

    const unlock = await run(ctx, ['unlock-organization', 'Acme'], false);
    expect(unlock.code).toBe(1);
    expect(await first(ctx.db.select().from(organizations).where(eq(organizations.id, organization.id)).limit(1))).toMatchObject({
      passwordAuthEnabled: false,
      ipAllowlist: ['10.0.0.0/8'],
    });
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });

  it('a confirmed change is made, printed and audited at the time it was confirmed', async () => {
    const { ctx, organization, bob } = await setup();
    const result = await run(ctx, ['make-super-admin', bob.id, organization.id], true);
    expect(result.code).toBe(0);
    expect(result.out).toContain(`Made bob@acme.test (${bob.id}) a super admin of "Acme" (${organization.id}).`);
    expect(await superAdmin(ctx, organization.id, bob.id)).toBe(true);
    const [event] = (await listAuditEvents(ctx)).filter(isOperatorEvent);
    expect(event).toMatchObject({ time: '2026-03-01T12:05:00Z', details: { operator: { os_user: 'ops', host: 'host-1' } } });
  });

  it('--yes (or -y) does not ask', async () => {
    const { ctx, organization } = await setup();
    const result = await run(ctx, ['unlock-organization', 'acme', '--yes']);
    expect(result.code).toBe(0);
    expect(result.questions).toEqual([]);
    expect(result.out).toContain(`Unlocked "Acme" (${organization.id}):`);
    expect(await first(ctx.db.select().from(organizations).where(eq(organizations.id, organization.id)).limit(1))).toMatchObject({
      passwordAuthEnabled: true,
      ipAllowlist: [],
    });
    const again = await run(ctx, ['-y', 'unlock-organization', 'acme']);
    expect(again.code).toBe(0);
    expect(again.out).toContain('nothing to change');
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toHaveLength(1);
  });

  it('nothing to do: says so, asks nothing, exits 0', async () => {
    const { ctx, admin } = await setup();
    const result = await run(ctx, ['make-super-admin', admin.email, 'Acme']);
    expect(result).toMatchObject({ code: 0, questions: [] });
    expect(result.out).toContain('is already a super admin of "Acme"');
  });

  it('an unknown user or organization is a message and exit code 1, never a stack trace', async () => {
    const { ctx } = await setup();
    const cases: [string[], string][] = [
      [['make-super-admin', 'nobody@acme.test', 'Acme'], 'Error: No user with the email address or user id "nobody@acme.test"'],
      [['make-super-admin', 'bob@acme.test', 'Globex'], 'Error: No organization with the id, account id or name "Globex"'],
      [['unlock-organization', 'Globex'], 'Error: No organization with the id, account id or name "Globex"'],
    ];
    for (const [argv, message] of cases) {
      const result = await run(ctx, argv, true);
      expect(result.code).toBe(1);
      expect(result.err).toBe(message);
      expect(result.questions).toEqual([]);
    }
    const noDatabase = await run(null, ['list-organizations']);
    expect(noDatabase).toMatchObject({ code: 1, err: 'Error: No database at /nowhere/portcullis.db. Run this on the server host.' });
    expect((await listAuditEvents(ctx)).filter(isOperatorEvent)).toEqual([]);
  });

  it('list-organizations prints text, or JSON with --json', async () => {
    const { ctx, organization, admin } = await setup();
    const text = await run(ctx, ['list-organizations']);
    expect(text.code).toBe(0);
    expect(text.out).toContain(`Acme\n  organization id ${organization.id}`);
    expect(text.out).toContain(`admin@acme.test (${admin.id}): password`);
    const json = await run(ctx, ['list-organizations', '--json']);
    expect(JSON.parse(json.out)).toEqual([
      expect.objectContaining({ id: organization.id, name: 'Acme', passwordAuthEnabled: false, superAdmins: [expect.objectContaining({ email: 'admin@acme.test' })] }),
    ]);
  });
});
