import fs from 'node:fs';
import path from 'node:path';

// Secrets the tests use (passwords, tokens, SAML responses), noted as they are made or sent, so
// that the run's last step (log-secrets.ts) can check that none reached a server's log. One file
// per worker process under E2E_DIR: appended lines, read once the run is over.

/** Where the secrets of this run are noted, one file per process. */
export const secretsDir = () => path.join(process.env.E2E_DIR!, 'secrets-used');

/** Shorter values would match by chance (and no secret of ours is this short). */
export const MIN_SECRET_LENGTH = 12;

/** Notes a secret the run uses; returns it, so that a helper can wrap what it hands out. */
export function usedSecret<T extends string>(value: T): T {
  if (value.length >= MIN_SECRET_LENGTH && !value.includes('\n')) {
    fs.mkdirSync(secretsDir(), { recursive: true });
    fs.appendFileSync(path.join(secretsDir(), `${process.pid}.txt`), `${value}\n`);
  }
  return value;
}
