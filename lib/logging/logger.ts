import { hostname } from 'node:os';
import { pino, type DestinationStream, type Logger } from 'pino';
import type { Env } from '@/lib/env';

// The server's log (docs/metrics-and-logs.md): JSON lines on standard output, one object per
// line, for a log shipper to read; in development (`--dev`) the same lines made readable by
// pino-pretty. Both write from the main thread: pino's transports would start a worker thread,
// which production has no need of.
//
// What is logged is chosen field by field (scripts/server.ts: the request line carries the
// route pattern, never the path or query string), so no token, password, SAML response or secret
// reaches the log. The redaction below is a second net for a field someone adds later.

export const LOG_LEVEL_ENV = 'LOG_LEVEL';
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** LOG_LEVEL; unset means `info`. Anything else stops the server at start. */
export function logLevelFromEnv(env: Env = process.env): LogLevel {
  const raw = env[LOG_LEVEL_ENV]?.trim().toLowerCase();
  if (!raw) return 'info';
  if ((LOG_LEVELS as readonly string[]).includes(raw)) return raw as LogLevel;
  throw new Error(`${LOG_LEVEL_ENV} must be one of ${LOG_LEVELS.join(', ')} (got "${env[LOG_LEVEL_ENV]}")`);
}

/** Field names whose values never reach the log, at the top level or one object down. */
export const REDACTED_KEYS = ['authorization', 'cookie', 'password', 'token', 'secret', 'SAMLResponse', 'samlResponse', 'otp'] as const;

/** A logger writing JSON lines to `destination` (standard output by default). */
export function createLogger({ level, destination }: { level: LogLevel; destination?: DestinationStream }): Logger {
  return pino(
    {
      level,
      // Which process of which host: several instances may write to one log store.
      base: { pid: process.pid, hostname: hostname(), service: 'portcullis' },
      timestamp: pino.stdTimeFunctions.isoTime,
      // Level names ("info"), not numbers, so that a plain grep or a log pipeline reads them.
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED_KEYS.flatMap((key) => [key, `*.${key}`]), censor: '[redacted]' },
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}

/** The development logger: the same lines, colored and one per line for a person to read. */
export async function createDevelopmentLogger(level: LogLevel): Promise<Logger> {
  // A development dependency, loaded only here; it formats in this thread (no transport worker).
  const { default: pretty } = await import('pino-pretty');
  return createLogger({ level, destination: pretty({ colorize: true, singleLine: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service', sync: true }) });
}
