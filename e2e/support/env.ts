import { databaseOf, type ServerName } from './databases';

// Set by playwright.config.ts (or scripts/test.sh) before the workers start.
const dir = process.env.E2E_DIR!;

/** A test server: its address, and its database (a SQLite file, or a PostgreSQL URL: e2e/support/databases.ts). */
function server(port: string | undefined, name: ServerName) {
  return { url: `http://127.0.0.1:${port}`, database: databaseOf(name) };
}

export const servers = {
  setup: server(process.env.E2E_SETUP_PORT, 'setup'),
  main: server(process.env.E2E_MAIN_PORT, 'main'),
  proxied: server(process.env.E2E_PROXIED_PORT, 'proxied'),
};

/** The password of the admins that the main and proxied servers set up from the environment. */
export const envAdminPassword = process.env.E2E_ADMIN_PASSWORD!;

/** The bearer token the main server's GET /metrics requires (METRICS_TOKEN). */
export const metricsToken = process.env.E2E_METRICS_TOKEN!;

/** Where the proxied server mails invitations; a test runs the SMTP server there. */
export const smtpPort = Number(process.env.E2E_SMTP_PORT);

/** Where a test saves a screenshot the reviewers look at: `<E2E_DIR>/<name>.png`. */
export const screenshotPath = (name: string) => `${dir}/${name}.png`;
