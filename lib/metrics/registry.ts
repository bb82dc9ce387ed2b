import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

// The process's Prometheus metrics (GET /metrics, docs/metrics-and-logs.md). One registry and
// one set of metric objects for the whole process, kept on globalThis: Next bundles the proxy,
// the route handlers and the server actions separately, each with its own copy of this module
// (db/async.ts keeps its registry the same way), and a counter made by one copy must be the one
// that the custom server (scripts/server.ts) serves. The first copy loaded makes them.
//
// Every label takes values from a closed set, so the number of series stays bounded whatever
// the clients send: route patterns (lib/metrics/route-label.ts), not paths; methods and reasons
// from fixed lists, anything else as "other".

/** Histogram buckets for request latency, in seconds: 5 ms to 10 s. */
const REQUEST_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];
/** Histogram buckets for one database statement, in seconds: 0.1 ms to 1 s. */
const STATEMENT_BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

function makeMetrics() {
  const registry = new Registry();
  // process_* (CPU, memory, open files) and nodejs_* (event-loop lag, heap, GC, handles).
  collectDefaultMetrics({ register: registry });
  // Three gauges of prom-client's set end in _total, which the exposition format's rules keep for
  // counters (promtool check metrics refuses them). The same numbers remain, by type, in
  // nodejs_active_handles, nodejs_active_requests and nodejs_active_resources.
  for (const name of ['nodejs_active_handles_total', 'nodejs_active_requests_total', 'nodejs_active_resources_total']) registry.removeSingleMetric(name);
  return {
    registry,
    httpRequests: new Counter({
      name: 'portcullis_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code.',
      labelNames: ['route', 'method', 'status'] as const,
      registers: [registry],
    }),
    httpDuration: new Histogram({
      name: 'portcullis_http_request_duration_seconds',
      help: 'Time from a request\'s arrival to the end of its response, by route pattern and method.',
      labelNames: ['route', 'method'] as const,
      buckets: REQUEST_BUCKETS,
      registers: [registry],
    }),
    signIns: new Counter({
      name: 'portcullis_sign_ins_total',
      help: 'Sign-in attempts as the audit log records them, by method and outcome.',
      labelNames: ['method', 'outcome'] as const,
      registers: [registry],
    }),
    samlRefusals: new Counter({
      name: 'portcullis_saml_refusals_total',
      help: 'SAML sign-ins refused, by reason and stage (start: before the IdP; acs: its response).',
      labelNames: ['reason', 'stage'] as const,
      registers: [registry],
    }),
    tokenLookups: new Counter({
      name: 'portcullis_token_lookups_total',
      help: 'Access token and session lookups, by outcome.',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    dbStatementDuration: new Histogram({
      name: 'portcullis_db_statement_duration_seconds',
      help: 'Time of one database statement, by engine.',
      labelNames: ['engine'] as const,
      buckets: STATEMENT_BUCKETS,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof makeMetrics>;

const holder = globalThis as { portcullisMetrics?: Metrics };

/** The process-wide metrics, made on first use. */
export function metrics(): Metrics {
  holder.portcullisMetrics ??= makeMetrics();
  return holder.portcullisMetrics;
}
