import * as sqliteSchema from './schema';
import * as pgSchema from './schema.pg';

// The schema facade of the asynchronous data layer (issue 17, docs/async-data-layer.md): lib/
// imports its tables from here, db/schema.ts only for types. Each binding is typed as the SQLite
// table, so lib/ is written and type-checked once, against sqlite-core, but holds the running
// engine's own table object, so that drizzle maps booleans and JSON the way that engine stores
// them. The PostgreSQL tables are cast to the SQLite types; db/schema-drift.test.ts is what makes
// that cast true column by column.
//
// The engine is chosen from DATABASE_URL when this module loads. Next bundles the proxy, route
// handlers and actions separately, each with its own copy of this module: every copy must come
// to the same answer by itself, so nothing at run time may switch it. useEngine() is for tests
// that run both engines in one file. The bindings are `export let`, which ES modules export live:
// reassigning them is seen by every importer. db/async.ts refuses to open a database of the other
// engine.

export type Engine = 'sqlite' | 'postgres';

/** The engine DATABASE_URL names: PostgreSQL for a postgres:// or postgresql:// URL, else SQLite (a path or file: URL). */
export function engineOf(url: string | undefined = process.env.DATABASE_URL): Engine {
  return url && /^postgres(ql)?:\/\//i.test(url.trim()) ? 'postgres' : 'sqlite';
}

function schemaOf(engine: Engine): typeof sqliteSchema {
  return engine === 'postgres' ? (pgSchema as unknown as typeof sqliteSchema) : sqliteSchema;
}

let current: Engine = engineOf();

/** The engine whose tables the bindings below hold. */
export function currentEngine(): Engine {
  return current;
}

// Every table of db/schema.ts; db/tables.test.ts fails when one is missing.
export let {
  organizations,
  users,
  totpCredentials,
  recoveryCodes,
  memberships,
  passwordCredentials,
  tokens,
  auditEvents,
  signInDailyCounts,
  signInFailures,
  instanceSettings,
  invitations,
  emailVerifications,
  passwordResets,
  authenticationMethods,
  samlCertificates,
  samlRequests,
  samlSeenAssertions,
  externalIdentities,
  domains,
  domainAuthenticationMethods,
  organizationUnits,
  projects,
  services,
  auditStreamDestinations,
  auditStreamOutbox,
  auditStreamDeliveries,
  auditStreamLeases,
} = schemaOf(current);

/** For tests only: points every binding at `engine`'s tables. Call before opening a database. */
export function useEngine(engine: Engine): void {
  current = engine;
  ({
    organizations,
    users,
    totpCredentials,
    recoveryCodes,
    memberships,
    passwordCredentials,
    tokens,
    auditEvents,
  signInDailyCounts,
    signInFailures,
    instanceSettings,
    invitations,
    emailVerifications,
    passwordResets,
    authenticationMethods,
    samlCertificates,
    samlRequests,
    samlSeenAssertions,
    externalIdentities,
    domains,
    domainAuthenticationMethods,
    organizationUnits,
    projects,
    services,
    auditStreamDestinations,
    auditStreamOutbox,
    auditStreamDeliveries,
    auditStreamLeases,
  } = schemaOf(engine));
}
