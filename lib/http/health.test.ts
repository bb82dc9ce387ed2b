import { describe, expect, it } from 'vitest';
import { createTestDb } from '@/lib/testing/db';
import { checkHealth } from './health';

describe('checkHealth', () => {
  it('is 200 and "ok" while the database answers', () => {
    const db = createTestDb();
    expect(checkHealth(() => db)).toEqual({ status: 200, body: { status: 'ok', database: 'ok' } });
  });

  it('is 503 naming the database once the connection is gone', () => {
    const db = createTestDb();
    db.$client.close();
    expect(checkHealth(() => db)).toEqual({ status: 503, body: { status: 'unavailable', database: 'unavailable' } });
  });

  it('is 503 when the database cannot even be opened', () => {
    const open = () => {
      throw new Error('unable to open database file');
    };
    expect(checkHealth(open)).toEqual({ status: 503, body: { status: 'unavailable', database: 'unavailable' } });
  });
});
