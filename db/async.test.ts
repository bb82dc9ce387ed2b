import { AsyncLocalStorage } from 'node:async_hooks';
import { asc, count, eq, like, sql } from 'drizzle-orm';
import { beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { affectedRows, AsyncLock, asyncPostgresOver, asyncSqliteOver, closePostgres, first, isUniqueViolation, transaction, TRANSACTION_ATTEMPTS, type AsyncDb, type TransactionOptions } from './async';
import { openDatabase } from './client';
import { migratePostgres, openPostgres } from './postgres';
import { useTestPostgres } from './postgres-test-cluster';
import * as sqliteSchema from './schema';
import { memberships, organizations, useEngine, users, type Engine } from './tables';

// The asynchronous data layer on both engines: in-memory SQLite and a real PostgreSQL (a
// throwaway cluster for this file, a fresh database per test). The first block documents what
// differs between the engines and what lib/ writes so that it does not matter; the spike on
// branch spike-async found these.

const cluster = useTestPostgres('async');
const time = '2026-11-01T00:00:00Z';

/** The URL of each database openPostgresDb made, for more pools on it. */
const urls = new WeakMap<AsyncDb, string>();

async function openPostgresDb(): Promise<AsyncDb> {
  const url = await cluster.freshDatabase();
  const pg = cluster.open(url);
  await migratePostgres(pg);
  const db = asyncPostgresOver(pg);
  urls.set(db, url);
  return db;
}

const engines: Array<{ engine: Engine; open: () => Promise<AsyncDb>; anotherInstance: (db: AsyncDb) => AsyncDb }> = [
  // One process, one connection: "another instance" is the same database.
  { engine: 'sqlite', open: async () => asyncSqliteOver(openDatabase(':memory:')), anotherInstance: (db) => db },
  // A pool of its own on the same database, as a second server has.
  { engine: 'postgres', open: openPostgresDb, anotherInstance: (db) => asyncPostgresOver(cluster.open(urls.get(db)!)) },
];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Resolves once `open()` was called: lets another context act while a transaction awaits. */
function signal(): { opened: () => void; isOpen: Promise<void> } {
  let opened!: () => void;
  const isOpen = new Promise<void>((resolve) => (opened = resolve));
  return { opened, isOpen };
}

async function realNames(db: AsyncDb): Promise<Array<{ id: string; realName: string }>> {
  return db.select({ id: users.id, realName: users.realName }).from(users).orderBy(asc(users.id));
}

describe.each(engines)('on $engine', ({ engine, open, anotherInstance }) => {
  let db: AsyncDb;
  beforeAll(() => useEngine(engine));
  beforeEach(async () => {
    db = await open();
    await db.insert(organizations).values({ id: 'org1', accountId: 'a1', name: 'Acme', ipAllowlist: ['10.0.0.0/8'], createTime: time, updateTime: time });
    await db.insert(users).values({ id: 'u1', email: 'ada@example.com', createTime: time });
    await db.insert(memberships).values({ organizationId: 'org1', userId: 'u1', isSuperAdmin: true, joinTime: time });
  });

  describe('what differs between the engines, and what to write instead', () => {
    it('booleans and JSON read back as booleans and arrays (each engine uses its own tables)', async () => {
      const [row] = await db
        .select({ isSuperAdmin: memberships.isSuperAdmin, ipAllowlist: organizations.ipAllowlist, samlEnabled: organizations.samlEnabled })
        .from(memberships)
        .innerJoin(organizations, eq(organizations.id, memberships.organizationId));
      expect(row).toEqual({ isSuperAdmin: true, ipAllowlist: ['10.0.0.0/8'], samlEnabled: true });
    });

    it('executors: .get() .all() .run() .values() exist on SQLite only; await the query, first() for one row', async () => {
      const query = db.select({ id: users.id }).from(users) as unknown as Record<string, unknown>;
      for (const executor of ['get', 'all', 'run', 'values']) expect(typeof query[executor], executor).toBe(engine === 'sqlite' ? 'function' : 'undefined');
      expect(await db.select({ id: users.id }).from(users)).toEqual([{ id: 'u1' }]);
      expect(await first(db.select({ id: users.id }).from(users).limit(1))).toEqual({ id: 'u1' });
      expect(await first(db.select({ id: users.id }).from(users).where(eq(users.id, 'nobody')).limit(1))).toBeUndefined();
    });

    it('affected rows: changes on SQLite, rowCount on PostgreSQL; affectedRows() and returning() are the same on both', async () => {
      const result = (await db.update(users).set({ realName: 'Ada' }).where(eq(users.id, 'u1'))) as unknown as Record<string, unknown>;
      expect(engine === 'sqlite' ? result.changes : result.rowCount).toBe(1);
      expect(affectedRows(result)).toBe(1);
      expect(affectedRows(await db.delete(users).where(eq(users.id, 'nobody')))).toBe(0);
      expect(() => affectedRows([])).toThrow(/Not the result of a write/);
      expect(await db.update(users).set({ realName: 'Ada L.' }).returning({ id: users.id })).toEqual([{ id: 'u1' }]);
    });

    it('onConflictDoNothing with returning: no row back for a conflict, the row for an insert', async () => {
      const insert = (userId: string) =>
        db.insert(memberships).values({ organizationId: 'org1', userId, joinTime: time }).onConflictDoNothing().returning({ userId: memberships.userId });
      expect(await insert('u1')).toEqual([]);
      await db.insert(users).values({ id: 'u2', email: 'bob@example.com', createTime: time });
      expect(await insert('u2')).toEqual([{ userId: 'u2' }]);
    });

    it('count() is a number on both; a bare sql<number> count is a string on PostgreSQL, .mapWith(Number) fixes it', async () => {
      const [row] = await db.select({ n: count(), raw: sql<number>`count(*)`, mapped: sql<number>`count(*)`.mapWith(Number) }).from(users);
      expect(row).toEqual({ n: 1, raw: engine === 'postgres' ? '1' : 1, mapped: 1 });
    });

    it('LIKE ignores ASCII case on SQLite only; lower() on both sides is the same on both', async () => {
      expect(await db.select({ id: users.id }).from(users).where(like(users.email, 'ADA%'))).toEqual(engine === 'sqlite' ? [{ id: 'u1' }] : []);
      expect(await db.select({ id: users.id }).from(users).where(like(sql`lower(${users.email})`, sql`lower(${'ADA%'})`))).toEqual([{ id: 'u1' }]);
    });

    it('NULLs come first in ascending order on SQLite, last on PostgreSQL; say nulls first/last', async () => {
      await db.insert(users).values({ id: 'u2', email: 'bob@example.com', createTime: time, lastActivityTime: time });
      const ids = async (order: ReturnType<typeof asc>) => (await db.select({ id: users.id }).from(users).orderBy(order)).map((u) => u.id);
      expect(await ids(asc(users.lastActivityTime))).toEqual(engine === 'sqlite' ? ['u1', 'u2'] : ['u2', 'u1']);
      expect(await ids(sql`${users.lastActivityTime} asc nulls last`)).toEqual(['u2', 'u1']);
    });

    it('a duplicate key: drizzle wraps the driver error, whose code differs; isUniqueViolation() knows both', async () => {
      const unique = await db.insert(users).values({ id: 'u9', email: 'ada@example.com', createTime: time }).catch((e: unknown) => e);
      expect((unique as Error).constructor.name).toBe('DrizzleQueryError');
      expect((unique as { cause?: { code?: string } }).cause?.code).toBe(engine === 'postgres' ? '23505' : 'SQLITE_CONSTRAINT_UNIQUE');
      expect(isUniqueViolation(unique)).toBe(true);
      const primaryKey = await db.insert(users).values({ id: 'u1', email: 'other@example.com', createTime: time }).catch((e: unknown) => e);
      expect(isUniqueViolation(primaryKey)).toBe(true);
      const foreignKey = await db.insert(memberships).values({ organizationId: 'nowhere', userId: 'u1', joinTime: time }).catch((e: unknown) => e);
      expect(foreignKey).toBeInstanceOf(Error);
      expect(isUniqueViolation(foreignKey)).toBe(false);
    });
  });

  describe('transaction()', () => {
    it('runs two concurrent transactions with awaits inside as one serial order: no update is lost', async () => {
      const steps: string[] = [];
      // On PostgreSQL both first read, then both write, so that they surely overlap (a retry
      // finds the barrier open). On SQLite a barrier would wait forever: b cannot begin before a
      // ends, which is the point; a pause there gives b the chance to interleave.
      let reads = 0;
      let bothRead!: () => void;
      const barrier = new Promise<void>((resolve) => (bothRead = resolve));
      const append = (name: string) =>
        transaction(db, async (tx) => {
          steps.push(`${name} begin`);
          const [row] = await tx.select({ realName: users.realName }).from(users).where(eq(users.id, 'u1'));
          if (++reads === 2) bothRead();
          await (engine === 'postgres' ? barrier : pause(5));
          await tx.update(users).set({ realName: `${row!.realName}+${name}` }).where(eq(users.id, 'u1'));
          steps.push(`${name} end`);
        });
      await Promise.all([append('a'), append('b')]);
      const [row] = await realNames(db);
      if (engine === 'sqlite') {
        // The in-process lock: b does not begin before a has committed.
        expect(steps).toEqual(['a begin', 'a end', 'b begin', 'b end']);
        expect(row!.realName).toBe('+a+b');
      } else {
        // PostgreSQL runs them at once; SERIALIZABLE aborts one (40001) and transaction() runs it
        // again, so the outcome is still one serial order.
        expect(steps.filter((step) => step.endsWith('begin'))).toHaveLength(3);
        expect(['+a+b', '+b+a']).toContain(row!.realName);
      }
    });

    it('keeps a write from another async context out of an open transaction that rolls back', async () => {
      const { opened, isOpen } = signal();
      const failing = transaction(db, async (tx) => {
        await tx.update(users).set({ realName: 'inside' }).where(eq(users.id, 'u1'));
        opened();
        await pause(20);
        throw new Error('roll back');
      });
      // Another request, in its own async context, writes while the transaction awaits.
      const outside = new AsyncLocalStorage<string>().run('other request', async () => {
        await isOpen;
        await db.insert(users).values({ id: 'u3', email: 'eve@example.com', createTime: time });
      });
      await expect(failing).rejects.toThrow('roll back');
      await outside;
      expect(await realNames(db)).toEqual([
        { id: 'u1', realName: '' },
        { id: 'u3', realName: '' },
      ]);
    });

    it('called with a tx, opens a savepoint: a failure inside rolls back only that part', async () => {
      await transaction(db, async (tx) => {
        await tx.update(users).set({ realName: 'outer' }).where(eq(users.id, 'u1'));
        const inner = transaction(tx, async (nested) => {
          await nested.insert(users).values({ id: 'u2', email: 'bob@example.com', createTime: time });
          throw new Error('inner fails');
        });
        await expect(inner).rejects.toThrow('inner fails');
      });
      expect(await realNames(db)).toEqual([{ id: 'u1', realName: 'outer' }]);
    });

    /** 40 read-then-write increments of one row at once, over two pools, with each `options` in turn; how many ran and how many committed. */
    async function increments(...options: TransactionOptions[]) {
      const pools = [db, anotherInstance(db)];
      let runs = 0;
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) =>
          transaction(
            pools[i % 2]!,
            async (tx) => {
              runs++;
              const [row] = await tx.select({ realName: users.realName }).from(users).where(eq(users.id, 'u1'));
              await pause(2);
              await tx.update(users).set({ realName: String(Number(row!.realName || '0') + 1) }).where(eq(users.id, 'u1'));
            },
            options[i % options.length],
          ),
        ),
      );
      return { runs, committed: results.filter((r) => r.status === 'fulfilled').length, value: (await realNames(db))[0]!.realName };
    }

    it('with a lock name, runs the transactions of that name one after the other across pools: 40 increments at once, each run once, none lost', async () => {
      // Each waits for the one before it to commit, then takes its snapshot: no serialization
      // failure, so none runs twice.
      expect(await increments({ lock: 'counter' })).toEqual({ runs: 40, committed: 40, value: '40' });
    });

    it('without a lock name, the same 40 increments abort each other on PostgreSQL (why hot rows take one)', async () => {
      const { runs, committed, value } = await increments({});
      // Never a lost update: the value counts exactly the transactions that committed.
      expect(value).toBe(String(committed));
      if (engine === 'sqlite') expect([runs, committed]).toEqual([40, 40]);
      else expect(runs).toBeGreaterThan(40);
    });

    it('with several lock names, takes them in one order: transactions naming them in any order neither deadlock nor run twice', async () => {
      expect(await increments({ lock: ['a', 'b'] }, { lock: ['b', 'a'] }, { lock: ['b'] })).toEqual({ runs: 40, committed: 40, value: '40' });
    });

    it('gives the lock back when the work fails, and holds none after', async () => {
      await expect(transaction(db, () => Promise.reject(new Error('fails')), { lock: 'x' })).rejects.toThrow('fails');
      expect(await transaction(anotherInstance(db), async () => 'next', { lock: 'x' })).toBe('next');
      if (engine === 'postgres') {
        const held = await db.select({ n: count() }).from(sql`pg_locks`).where(sql`locktype = 'advisory'`);
        expect(held).toEqual([{ n: 0 }]);
      }
    });

    it('a statement through the database itself inside its own open transaction: inside it on SQLite, refused on PostgreSQL', async () => {
      const attempt = transaction(db, async (tx) => {
        await tx.update(users).set({ realName: 'tx' }).where(eq(users.id, 'u1'));
        // The mistake: the outer database, not tx.
        await db.insert(users).values({ id: 'u2', email: 'bob@example.com', createTime: time });
        throw new Error('roll back');
      });
      if (engine === 'sqlite') {
        // One connection: the statement ran inside the transaction and rolled back with it.
        await expect(attempt).rejects.toThrow('roll back');
      } else {
        // Another pooled connection would run it outside the transaction, kept after the rollback.
        // (drizzle wraps the pool's error and keeps it as the cause.)
        const error = (await attempt.catch((e: unknown) => e)) as Error;
        expect((error.cause as Error).message).toMatch(/inside its own open transaction/);
      }
      expect(await realNames(db)).toEqual([{ id: 'u1', realName: '' }]);
      await expect(transaction(db, () => transaction(db, async () => 'never'))).rejects.toThrow(/pass its tx/);
    });

    it(`runs again on a serialization failure on PostgreSQL only, at most ${TRANSACTION_ATTEMPTS} times`, async () => {
      let runs = 0;
      const failing = transaction(db, async () => {
        runs++;
        throw Object.assign(new Error('could not serialize access'), { code: '40001' });
      });
      await expect(failing).rejects.toThrow('could not serialize access');
      expect(runs).toBe(engine === 'postgres' ? TRANSACTION_ATTEMPTS : 1);
      runs = 0;
      await expect(transaction(db, async () => (runs++, Promise.reject(new Error('other'))))).rejects.toThrow('other');
      expect(runs).toBe(1);
    });
  });
});

describe('on PostgreSQL with the SQLite tables (why db/async.ts checks the engine at open)', () => {
  it('JSON breaks: the SQLite tables JSON.parse an already parsed jsonb', async () => {
    useEngine('postgres');
    const db = await openPostgresDb();
    await db.insert(organizations).values({ id: 'org1', accountId: 'a1', name: 'Acme', ipAllowlist: ['10.0.0.0/8'], createTime: time, updateTime: time });
    await expect(db.select().from(sqliteSchema.organizations)).rejects.toThrow(/JSON/);
  });
});

describe('SQLite: one connection for the synchronous and the asynchronous API', () => {
  beforeAll(() => useEngine('sqlite'));

  it('gives one asynchronous database (so one lock) per connection', () => {
    const sync = openDatabase(':memory:');
    expect(asyncSqliteOver(sync)).toBe(asyncSqliteOver(sync));
    expect(asyncSqliteOver(openDatabase(':memory:'))).not.toBe(asyncSqliteOver(sync));
  });

  it('shares one lock per connection between copies of this module (Next bundles each route apart)', async () => {
    const sync = openDatabase(':memory:');
    vi.resetModules();
    const copy = (await import('./async')) as typeof import('./async');
    expect(copy.asyncSqliteOver(sync)).toBe(asyncSqliteOver(sync));
    // A transaction opened through one copy makes a statement through the other wait its turn.
    await asyncSqliteOver(sync).insert(users).values({ id: 'u1', email: 'ada@example.com', createTime: time });
    const order: string[] = [];
    const { opened, isOpen } = signal();
    const tx = copy.transaction(asyncSqliteOver(sync), async (t) => {
      opened();
      await pause(20);
      await t.update(users).set({ realName: 'inside' }).where(eq(users.id, 'u1'));
      order.push('transaction');
    });
    await isOpen;
    const [row] = await asyncSqliteOver(sync).select({ realName: users.realName }).from(users);
    order.push('read');
    await tx;
    expect(order).toEqual(['transaction', 'read']);
    expect(row).toEqual({ realName: 'inside' });
  });

  it('refuses transaction() on the root database from inside its own open transaction, instead of waiting for itself', async () => {
    const db = asyncSqliteOver(openDatabase(':memory:'));
    await expect(transaction(db, () => transaction(db, async () => 'never'))).rejects.toThrow(/pass its tx/);
  });

  it('hands the lock over in order: nobody arriving during a hand-over takes it too', async () => {
    const lock = new AsyncLock();
    const releaseA = await lock.acquire(Symbol('a'));
    const has = { b: false, c: false };
    const b = lock.acquire(Symbol('b')).then((release) => ((has.b = true), release));
    releaseA();
    // c arrives after the release, before b's waiter has run.
    const c = lock.acquire(Symbol('c')).then((release) => ((has.c = true), release));
    await pause(0);
    expect(has).toEqual({ b: true, c: false });
    (await b)();
    await pause(0);
    expect(has).toEqual({ b: true, c: true });
    (await c)();
    expect(lock.holder).toBeNull();
  });
});

describe('closePostgres', () => {
  it('ends the pool of a PostgreSQL database (the next query is refused) and refuses a SQLite one', async () => {
    useEngine('postgres');
    // A pool of its own: the cluster ends the pools it opened itself after the file.
    const pg = openPostgres(await cluster.freshDatabase());
    await migratePostgres(pg);
    const db = asyncPostgresOver(pg);
    expect(await first(db.select({ n: count() }).from(users))).toEqual({ n: 0 });
    await closePostgres(db);
    const refused = await db.select().from(users).then(() => null, (error: unknown) => error);
    expect((refused as Error | null)?.cause).toMatchObject({ message: 'Cannot use a pool after calling end on the pool' });
    useEngine('sqlite');
    await expect(closePostgres(asyncSqliteOver(openDatabase(':memory:')))).rejects.toThrow('Not a PostgreSQL database opened by db/async.ts');
  });
});
