import path from 'node:path';

// Set by playwright.config.ts (or scripts/test.sh) before the workers start.
const dir = process.env.E2E_DIR!;

function server(port: string | undefined, file: string) {
  return { url: `http://127.0.0.1:${port}`, database: path.join(dir, file) };
}

export const servers = {
  setup: server(process.env.E2E_SETUP_PORT, 'setup.db'),
  main: server(process.env.E2E_MAIN_PORT, 'main.db'),
  proxied: server(process.env.E2E_PROXIED_PORT, 'proxied.db'),
};

/** The password of the admins that the main and proxied servers set up from the environment. */
export const envAdminPassword = process.env.E2E_ADMIN_PASSWORD!;

/** Where the proxied server mails invitations; a test runs the SMTP server there. */
export const smtpPort = Number(process.env.E2E_SMTP_PORT);

/** Where a test saves a screenshot the reviewers look at: `<E2E_DIR>/<name>.png`. */
export const screenshotPath = (name: string) => `${dir}/${name}.png`;
