import { describe, expect, it } from 'vitest';
import { sqliteConnectionOf } from '@/db/async';
import { seedOrganization, testCtx } from '@/lib/testing/seed';
import { activityOf } from './activity';

// The activity figures read one organization's events of one kind within a time range, never the
// whole audit log: SQLite's plan for each of their queries searches audit_org_event_time_idx.
describe('activity queries', () => {
  it('are planned on the (organization_id, event, time) index', async () => {
    const ctx = testCtx();
    const organization = await seedOrganization(ctx);
    const connection = sqliteConnectionOf(ctx.db);
    const statements = new Set<string>();
    const original = connection.prepare.bind(connection);
    connection.prepare = ((source: string) => {
      if (source.includes('from "audit_events"')) statements.add(source);
      return original(source);
    }) as typeof connection.prepare;
    try {
      // The first view counts the past days (bounded on both sides), then today's (open-ended).
      await activityOf(ctx, organization.id);
    } finally {
      connection.prepare = original;
    }
    expect(statements.size).toBe(6);
    for (const statement of statements) {
      const params = (statement.match(/\?/g) ?? []).map(() => 'x');
      const plan = connection.prepare(`explain query plan ${statement}`).all(...params) as { detail: string }[];
      const details = plan.map((row) => row.detail).join('\n');
      expect(details).toMatch(/SEARCH audit_events USING (COVERING )?INDEX audit_org_event_time_idx \(organization_id=\? AND event=\? AND time>\?/);
      expect(details).not.toMatch(/SCAN audit_events/);
    }
  });
});
