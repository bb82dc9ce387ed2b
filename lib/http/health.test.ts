import { describe, expect, it } from 'vitest';
import { sqliteConnectionOf } from '@/db/async';
import { createTestDb } from '@/lib/testing/db';
import { checkHealth } from './health';

describe('checkHealth', () => {
  it('is 200 and "ok" while the database answers', async () => {
    const db = createTestDb();
    expect(await checkHealth(() => db)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });

  it('is 503 naming the database once the connection is gone', async () => {
    const db = createTestDb();
    sqliteConnectionOf(db).close();
    expect(await checkHealth(() => db)).toEqual({ status: 503, body: { status: 'unavailable', database: 'unavailable' } });
  });

  it('is 503 when the database cannot even be opened', async () => {
    const open = () => {
      throw new Error('unable to open database file');
    };
    expect(await checkHealth(open)).toEqual({ status: 503, body: { status: 'unavailable', database: 'unavailable' } });
  });
});
