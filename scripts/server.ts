// Portcullis's HTTP server: Next's request handler behind a plain Node server, because only
// here is the socket's address known (see shared notes/client-ip.md). It fixes the client IP
// before Next sees the request, opens and migrates the database, and runs first-run setup
// from the environment. It writes the log (one JSON line per request) and counts every request
// for the metrics, which it also serves itself at /metrics (docs/metrics-and-logs.md).
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:http';
import { eq } from 'drizzle-orm';
import next from 'next';
import type { Logger } from 'pino';
import { first, getAsyncDb, observeStatements, openDatabaseFromEnvironment } from '@/db/async';
import { databaseFile } from '@/db/client';
import { maskPostgresUrl } from '@/db/copy-to-postgres';
import { engineOf, instanceSettings } from '@/db/tables';
import { oauthProvidersFromEnv } from '@/lib/sign-in/oauth-config';
import { CLIENT_IP_HEADER, parseTrustedProxies, resolveClientIp, SERVER_MARK_ENV } from '@/lib/net/client-ip';
import { outboundSetting } from '@/lib/net/outbound';
import { setupFromEnvironment } from '@/lib/setup/first-run';
import { createDevelopmentLogger, createLogger, logLevelFromEnv } from '@/lib/logging/logger';
import { REQUEST_ID_HEADER, requestIdOf } from '@/lib/logging/request-id';
import { metricsAccessFromEnv } from '@/lib/metrics/access';
import { countRequest, countStatement } from '@/lib/metrics/count';
import { metricsResponse } from '@/lib/metrics/respond';
import { METRICS_PATH, methodLabel, routeLabel } from '@/lib/metrics/route-label';
import { startAuditStreamWorker } from '@/lib/audit-stream/deliver';

const dev = process.argv.includes('--dev');
const port = Number(process.env.PORT ?? 3000);
const host = process.env.HOST || undefined;

// Headers that only a trusted proxy may set. From anyone else they are dropped, so nothing
// downstream (Next, next-auth, our gate) can be told a false address, host or scheme.
const FORWARDING_HEADERS = ['x-forwarded-for', 'x-forwarded-host', 'x-forwarded-proto', 'x-forwarded-port', 'forwarded', 'x-real-ip'];

async function instanceSecret(): Promise<string> {
  const db = getAsyncDb();
  const stored = () => first(db.select().from(instanceSettings).where(eq(instanceSettings.key, 'nextauth_secret')).limit(1));
  const row = await stored();
  if (row) return row.value;
  const value = randomBytes(32).toString('base64url');
  await db.insert(instanceSettings).values({ key: 'nextauth_secret', value }).onConflictDoNothing();
  return (await stored())!.value;
}

async function main(log: Logger) {
  const trustedProxies = parseTrustedProxies(process.env.TRUSTED_PROXIES);
  // Tells lib/ that CLIENT_IP_HEADER comes from this server, never from a client.
  process.env[SERVER_MARK_ENV] = '1';
  // Every bundle Next loads reads its engine from DATABASE_URL (db/tables.ts); for SQLite the
  // variable is set to the file's path (the default one, or a file: URL's).
  if (engineOf(process.env.DATABASE_URL) === 'sqlite') process.env.DATABASE_URL = databaseFile();
  // Opens the database and applies pending migrations before the first request (on PostgreSQL,
  // one instance at a time when several start together).
  await openDatabaseFromEnvironment();
  // A half-set or malformed GOOGLE_*, MICROSOFT_* or GITHUB_* configuration stops the start
  // here, with the variable named, rather than at the first sign-in.
  const oauth = oauthProvidersFromEnv(process.env);
  if (oauth.length) log.info({ providers: oauth.map((p) => p.id) }, `Third-party sign-in: ${oauth.map((p) => p.id).join(', ')}`);
  // Likewise a mistyped OUTBOUND_ALLOW_PRIVATE, rather than at the first JWKS or domain check.
  outboundSetting(process.env);
  // And a malformed METRICS_TOKEN or METRICS_ALLOW, rather than metrics open to the wrong people.
  const metricsAccess = metricsAccessFromEnv(process.env);
  // Database time: every statement of every bundle's copy of db/async.ts comes through here.
  observeStatements(countStatement);

  // next-auth signs its CSRF cookie with this. A generated secret is kept in the database so
  // sign-ins survive restarts; there is no built-in default.
  process.env.NEXTAUTH_SECRET ||= await instanceSecret();
  process.env.NEXTAUTH_URL ||= process.env.PUBLIC_URL || `http://localhost:${port}`;

  const setup = await setupFromEnvironment({ db: getAsyncDb(), now: new Date() }, process.env);
  if (setup) log.info(`First-run setup: organization "${setup.organization.name}", super admin ${setup.user.email}`);

  // Next fetches its own pages internally (a server action's redirect target): it must know where.
  const app = next({ dev, dir: process.cwd(), hostname: host ?? 'localhost', port });
  await app.prepare();
  const handle = app.getRequestHandler();

  const server = createServer((req, res) => {
    const startedAt = process.hrtime.bigint();
    const peer = req.socket.remoteAddress;
    const ip = resolveClientIp({ remoteAddress: peer, forwardedFor: req.headers['x-forwarded-for'], trustedProxies });
    const fromTrustedProxy = trustedProxies.contains(peer);
    const requestId = requestIdOf(req.headers[REQUEST_ID_HEADER], fromTrustedProxy);
    if (!fromTrustedProxy) for (const name of FORWARDING_HEADERS) delete req.headers[name];
    // Always overwritten: a client-sent value never survives.
    req.headers[CLIENT_IP_HEADER] = ip ?? '';
    req.headers['x-forwarded-for'] = ip ?? '';
    req.headers[REQUEST_ID_HEADER] = requestId;
    res.setHeader(REQUEST_ID_HEADER, requestId);
    // The route pattern, not the path: a path can carry a token (/v1/access_token/{token}) or a
    // secret link (/invite/[secret]), a query string anything; and metrics need bounded labels.
    const route = routeLabel(req.url ?? '/');
    const method = methodLabel(req.method);
    res.once('close', () => {
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      countRequest({ route, method, status: res.statusCode, seconds });
      log.info(
        {
          req_id: requestId,
          route,
          method,
          status: res.statusCode,
          duration_ms: Math.round(seconds * 1e4) / 10,
          client_ip: ip,
          // The client went away before the whole response was sent.
          ...(res.writableFinished ? {} : { aborted: true }),
        },
        'request',
      );
    });
    const failed = (error: unknown) => {
      log.error({ req_id: requestId, route, err: error }, 'Unhandled request error');
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ message: 'Internal error', errors: [{ error_code: 'internal', message: 'Internal error', status: 500 }] }));
    };
    // Served here, before Next: see docs/metrics-and-logs.md for why.
    if (route === METRICS_PATH) {
      metricsResponse(metricsAccess, { method: req.method, authorization: req.headers.authorization, clientIp: ip })
        .then(({ status, headers, body }) => {
          res.writeHead(status, headers);
          res.end(req.method === 'HEAD' ? undefined : body);
        })
        .catch(failed);
      return;
    }
    handle(req, res).catch(failed);
  });
  // Keep idle connections open longer than a load balancer's or client's own idle timeout
  // (60 s is common): with Node's 5 s default, a connection the client reuses just as the server
  // closes it ends in ECONNRESET, or in a 502 from the balancer.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.listen(port, host, () => {
    // Never the PostgreSQL password: logs are collected and shipped far more widely than secrets.
    const database = engineOf(process.env.DATABASE_URL) === 'postgres' ? maskPostgresUrl(process.env.DATABASE_URL!) : process.env.DATABASE_URL;
    log.info(`Portcullis listening on ${process.env.NEXTAUTH_URL} (${dev ? 'development' : 'production'}), database ${database}`);
  });
  // Audit log streaming (lib/audit-stream/): sends queued events to the organizations' webhooks.
  // Every instance runs one; a lease per destination lets one instance at a time send its events.
  const stopStreaming = startAuditStreamWorker(getAsyncDb(), { log: { error: (message: string, error: unknown) => log.error({ err: error }, message) } });
  const stop = () => server.close(() => void stopStreaming().finally(() => process.exit(0)));
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
}

async function start() {
  let log: Logger;
  try {
    const level = logLevelFromEnv(process.env);
    log = dev ? await createDevelopmentLogger(level) : createLogger({ level });
  } catch (error) {
    // No logger yet (LOG_LEVEL is what was wrong): a plain line on standard error.
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  }
  try {
    await main(log);
  } catch (error) {
    // The message only: a configuration error says what to fix, and a stack adds nothing to it.
    log.fatal(error instanceof Error ? error.message : String(error));
    process.exit(1);
  }
}

await start();
