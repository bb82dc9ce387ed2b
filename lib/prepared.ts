import type { AsyncDb as Db } from '@/db/async';

/**
 * A query prepared once per database connection and reused: the request gate runs the same
 * two lookups on every request, and building their SQL each time costs more than running them.
 */
export function preparedPerDb<T>(build: (db: Db) => T): (db: Db) => T {
  const cache = new WeakMap<Db, T>();
  return (db) => {
    let prepared = cache.get(db);
    if (prepared === undefined) {
      prepared = build(db);
      cache.set(db, prepared);
    }
    return prepared;
  };
}
