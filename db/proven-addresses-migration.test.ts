import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from './client';

// 0005_proven_addresses marks existing accounts as proven only where the proof is on record.
// The database is built with the migrations before it, filled as main left it, then opened as a
// server opens it (which applies 0005).

const MIGRATIONS = path.join(process.cwd(), 'db', 'migrations');

describe('migration 0005: proven addresses', () => {
  let dir: string | null = null;
  afterEach(() => {
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = null;
  });

  function databaseBefore0005(): string {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-mig-'));
    const folder = path.join(dir, 'migrations');
    fs.mkdirSync(path.join(folder, 'meta'), { recursive: true });
    const journal = JSON.parse(fs.readFileSync(path.join(MIGRATIONS, 'meta', '_journal.json'), 'utf8'));
    journal.entries = journal.entries.filter((e: { idx: number }) => e.idx < 5);
    fs.writeFileSync(path.join(folder, 'meta', '_journal.json'), JSON.stringify(journal));
    for (const entry of journal.entries) fs.copyFileSync(path.join(MIGRATIONS, `${entry.tag}.sql`), path.join(folder, `${entry.tag}.sql`));
    const file = path.join(dir, 'old.db');
    const sqlite = new Database(file);
    migrate(drizzle(sqlite), { migrationsFolder: folder });
    const t = '2026-01-01T00:00:00Z';
    sqlite.exec(`
      INSERT INTO organizations (id, name, account_id, create_time, update_time) VALUES ('org1', 'Org', 'a1', '${t}', '${t}');
      INSERT INTO authentication_methods (id, organization_id, type, name, create_time, update_time, sp_private_key, sp_certificate)
        VALUES ('am1', 'org1', 'saml', 'Okta', '${t}', '${t}', 'k', 'c');
      INSERT INTO users (id, email, create_time) VALUES
        ('u-admin', 'admin@a.test', '${t}'),
        ('u-google', 'g@a.test', '${t}'),
        ('u-profile', 'p@a.test', '${t}'),
        ('u-invited', 'i@a.test', '${t}'),
        ('u-sso', 's@corp.test', '${t}'),
        ('u-sso-other', 'o@else.test', '${t}');
      UPDATE users SET managing_organization_id = 'org1' WHERE id = 'u-sso';
      INSERT INTO audit_events (time, organization_id, actor_user_id, event, details) VALUES
        ('${t}', 'org1', 'u-admin', 'setup.completed', '{}'),
        ('2026-02-01T00:00:00Z', 'org1', 'u-google', 'identity.linked', '{"provider":"google","via":"verified_email","provider_email":"G@a.test"}'),
        ('${t}', 'org1', 'u-profile', 'identity.linked', '{"provider":"github","via":"profile","provider_email":"p@a.test"}'),
        ('${t}', 'org1', 'u-invited', 'invitation.accepted', '{"user_email":"i@a.test"}');
      INSERT INTO external_identities (id, user_id, provider, subject, email, create_time) VALUES
        ('e1', 'u-sso', 'saml:am1', 's', 's@corp.test', '2026-03-01T00:00:00Z'),
        ('e2', 'u-sso-other', 'saml:am1', 'o', 'o@else.test', '${t}');
    `);
    sqlite.close();
    return file;
  }

  it('proves the operator, provider-verified links and SSO of the managing organization, and nobody else', () => {
    const db = openDatabase(databaseBefore0005());
    const rows = db.$client.prepare('SELECT id, email_verified_time AS proven FROM users ORDER BY id').all();
    db.$client.close();
    expect(rows).toEqual([
      { id: 'u-admin', proven: '2026-01-01T00:00:00Z' },
      { id: 'u-google', proven: '2026-02-01T00:00:00Z' },
      // Invited by an admin who saw the link, or linked from Profile without a known verification: unproven.
      { id: 'u-invited', proven: null },
      { id: 'u-profile', proven: null },
      { id: 'u-sso', proven: '2026-03-01T00:00:00Z' },
      // Signed in through the IdP, but no organization verified the address's domain.
      { id: 'u-sso-other', proven: null },
    ]);
  });
});
