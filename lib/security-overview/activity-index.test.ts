import { describe, expect, it } from 'vitest';
import { sqliteConnectionOf } from '@/db/async';
import { testCtx } from '@/lib/testing/seed';
import { activityOf } from './activity';

// The activity figures read one organization's events of one kind since a day, never the whole
// audit log: SQLite's plan for each of their queries searches audit_org_event_time_idx.
describe('activity queries', () => {
  it('are planned on the (organization_id, event, time) index', async () => {
    const ctx = testCtx();
    const connection = sqliteConnectionOf(ctx.db);
    const statements: string[] = [];
    const original = connection.prepare.bind(connection);
    connection.prepare = ((source: string) => {
      if (source.includes('"audit_events"')) statements.push(source);
      return original(source);
    }) as typeof connection.prepare;
    try {
      await activityOf(ctx, 'org1');
    } finally {
      connection.prepare = original;
    }
    expect(statements).toHaveLength(3);
    for (const statement of statements) {
      const params = (statement.match(/\?/g) ?? []).map(() => 'x');
      const plan = connection.prepare(`explain query plan ${statement}`).all(...params) as { detail: string }[];
      const details = plan.map((row) => row.detail).join('\n');
      expect(details).toMatch(/SEARCH audit_events USING (COVERING )?INDEX audit_org_event_time_idx/);
      expect(details).not.toMatch(/SCAN audit_events/);
    }
  });
});
