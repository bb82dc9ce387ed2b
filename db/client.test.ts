import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from './client';
import { instanceSettings } from './schema';

describe('openDatabase', () => {
  const opened: Db[] = [];
  let dir: string | null = null;
  afterEach(() => {
    for (const db of opened.splice(0)) db.$client.close();
    if (dir) fs.rmSync(dir, { recursive: true, force: true });
    dir = null;
  });
  function twoConnections() {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'portcullis-db-'));
    const file = path.join(dir, 'test.db');
    const a = openDatabase(file);
    const b = openDatabase(file);
    opened.push(a, b);
    // B does not wait for the lock, so the test shows who holds it without a five-second pause.
    b.$client.pragma('busy_timeout = 0');
    return { a, b };
  }

  it('sets WAL, foreign keys and a busy timeout on a file', () => {
    const { a } = twoConnections();
    expect(a.$client.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(a.$client.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(a.$client.pragma('busy_timeout', { simple: true })).toBe(5000);
  });

  it('a transaction holds the write lock from its start: a read-then-write is never refused half-way', () => {
    const { a, b } = twoConnections();
    a.insert(instanceSettings).values({ key: 'counter', value: '1' }).run();
    const result = a.transaction(() => {
      const current = a.select().from(instanceSettings).where(eq(instanceSettings.key, 'counter')).get()!;
      // Another connection that writes meanwhile has to wait for this transaction (here: gives up).
      expect(() => b.update(instanceSettings).set({ value: '100' }).where(eq(instanceSettings.key, 'counter')).run()).toThrow(
        /database is locked/,
      );
      a.update(instanceSettings).set({ value: String(Number(current.value) + 1) }).where(eq(instanceSettings.key, 'counter')).run();
      return 'committed';
    });
    expect(result).toBe('committed');
    expect(b.select().from(instanceSettings).where(eq(instanceSettings.key, 'counter')).get()!.value).toBe('2');
  });
});
