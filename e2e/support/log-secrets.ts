import fs from 'node:fs';
import path from 'node:path';
import { oauthClients } from './oauth-clients';
import { secretsDir } from './secrets';

// Playwright's global teardown, after every test of the run: no server may have logged a secret
// the run used. The servers' standard output and error go to <E2E_DIR>/server-<name>.log
// (playwright.config.ts); the secrets are the run's own (admin password, metrics token, OAuth
// client secrets) and those the tests noted as they used them (secrets.ts: seeded passwords,
// tokens sent, SAML responses posted). A failure here fails the run.

/** The server logs of a run: one file per server of playwright.config.ts. */
export const serverLogPath = (dir: string, name: string) => path.join(dir, `server-${name}.log`);
export const SERVER_NAMES = ['setup', 'main', 'proxied'] as const;

/** Each secret that occurs in a log (whole, or its first 48 characters for a long one a log may have cut), with where. */
export function secretsInLogs(logs: readonly { file: string; text: string }[], secrets: Iterable<string>): string[] {
  const found: string[] = [];
  for (const secret of new Set(secrets)) {
    const needle = secret.length > 64 ? secret.slice(0, 48) : secret;
    for (const { file, text } of logs) {
      const at = text.indexOf(needle);
      if (at !== -1) {
        const line = text.slice(text.lastIndexOf('\n', at) + 1, text.indexOf('\n', at) === -1 ? undefined : text.indexOf('\n', at));
        // Named by its first characters only: the report must not print the secret either.
        found.push(`${path.basename(file)}: a secret starting "${secret.slice(0, 6)}…" in: ${line.replace(needle, '[secret]').slice(0, 300)}`);
      }
    }
  }
  return found;
}

function noted(): string[] {
  const dir = secretsDir();
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).flatMap((file) => fs.readFileSync(path.join(dir, file), 'utf8').split('\n').filter(Boolean));
}

export default async function logSecretsTeardown() {
  const dir = process.env.E2E_DIR!;
  const logs = SERVER_NAMES.map((name) => serverLogPath(dir, name))
    .filter((file) => fs.existsSync(file))
    .map((file) => ({ file, text: fs.readFileSync(file, 'utf8') }));
  // The check means something only if the logs were captured: the main server logs every request.
  const main = logs.find(({ file }) => file === serverLogPath(dir, 'main'));
  if (!main || !main.text.includes('"msg":"request"')) {
    throw new Error(`The main server's log ${serverLogPath(dir, 'main')} is missing or has no request lines: the secrets check cannot run`);
  }
  const secrets = [
    process.env.E2E_ADMIN_PASSWORD!,
    process.env.E2E_METRICS_TOKEN!,
    ...Object.values(oauthClients).map((client) => client.clientSecret),
    ...noted(),
  ];
  const found = secretsInLogs(logs, secrets);
  if (found.length > 0) {
    throw new Error(`Secrets in the server logs (${found.length}):\n${found.join('\n')}`);
  }
  console.log(`Log check: ${logs.length} server logs, ${new Set(secrets).size} secrets, none logged.`);
}
