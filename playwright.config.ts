import fs from 'node:fs';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { databaseOf } from './e2e/support/databases';
import { oauthClients } from './e2e/support/oauth-clients';

// One run = one fresh directory of database files and three servers of the production build:
// - setup:   an empty database, for the first-run setup page;
// - main:    set up from the environment (PORTCULLIS_*), where the other tests make their own
//            organizations and users, so they are independent of each other; its domain
//            verification asks the test DNS and web servers (E2E_DNS_PORT, E2E_HTTP_CHALLENGE_PORT);
// - proxied: its own database, behind TRUSTED_PROXIES=127.0.0.1/32, for forwarded addresses,
//            with SMTP settings, for mailed invitations, and the default OUTBOUND_ALLOW_PRIVATE.
// The main server signs in with Google, Microsoft and GitHub through peers on loopback that
// the global setup starts (they need only be up before the first sign-in click).
// scripts/test.sh picks free ports; the fallbacks serve a plain `npx playwright test`. Values
// are put in process.env so that the worker processes, which load this file again, agree.
const randomPort = () => String(20_000 + Math.floor(Math.random() * 20_000));
process.env.E2E_DIR ??= path.resolve('.e2e', `run-${Date.now()}`);
process.env.E2E_SETUP_PORT ??= randomPort();
process.env.E2E_MAIN_PORT ??= randomPort();
process.env.E2E_PROXIED_PORT ??= randomPort();
process.env.E2E_SMTP_PORT ??= randomPort();
// The third-party sign-in peers (e2e/support/global-setup.ts) stand in for Google, Microsoft and GitHub.
process.env.E2E_GOOGLE_PORT ??= randomPort();
process.env.E2E_MICROSOFT_PORT ??= randomPort();
process.env.E2E_GITHUB_PORT ??= randomPort();
process.env.E2E_DNS_PORT ??= randomPort();
process.env.E2E_HTTP_CHALLENGE_PORT ??= randomPort();
process.env.E2E_ADMIN_PASSWORD ??= `pw-${Math.random().toString(36).slice(2)}-${Date.now()}`;
// The main server serves GET /metrics to this bearer token (e2e/api/metrics.spec.ts).
process.env.E2E_METRICS_TOKEN ??= `metrics-${Math.random().toString(36).slice(2)}-${Date.now()}`;
fs.mkdirSync(process.env.E2E_DIR, { recursive: true });

const dir = process.env.E2E_DIR;
// SQLite files under E2E_DIR, or databases on the PostgreSQL cluster of E2E_POSTGRES_URL (the
// second pass of scripts/test.sh, API tests only). The tests seed and read those databases
// directly (e2e/support/seed.ts), so their DATABASE_URL names the same engine.
export const databases = { setup: databaseOf('setup'), main: databaseOf('main'), proxied: databaseOf('proxied') };
if (process.env.E2E_POSTGRES_URL) process.env.DATABASE_URL = databases.main;

// Each server's standard output and error (its JSON log lines, and anything Next prints) go to
// <E2E_DIR>/server-<name>.log, appended (scripts/test.sh's PostgreSQL pass adds to the same
// files): the global teardown e2e/support/log-secrets.ts reads them for the run's secrets.
function server(name: string, port: string, env: Record<string, string>) {
  return {
    name,
    command: `npx tsx scripts/server.ts >> '${path.join(dir, `server-${name}.log`)}' 2>&1`,
    url: `http://127.0.0.1:${port}/signin`,
    reuseExistingServer: false,
    timeout: 120_000,
    stdout: 'ignore' as const,
    stderr: 'pipe' as const,
    env: {
      NODE_ENV: 'production',
      NEXT_TELEMETRY_DISABLED: '1',
      HOST: '127.0.0.1',
      PORT: port,
      PUBLIC_URL: `http://127.0.0.1:${port}`,
      ...env,
    },
  };
}

const chromium = {
  browserName: 'chromium' as const,
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    // Without these, Chromium tries to reach Google's services and fails on this closed network.
    args: ['--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-gpu'],
  },
};

export default defineConfig({
  testDir: './e2e',
  outputDir: path.join(dir, 'test-results'),
  fullyParallel: true,
  workers: process.env.CI ? 2 : undefined,
  retries: 0,
  reporter: [['list'], ['json', { outputFile: path.join(dir, process.env.E2E_REPORT ?? 'results.json') }]],
  // Peers on 127.0.0.1 only: the third-party sign-in providers (global-setup.ts), and the DNS
  // and web servers that domain verification on the main server asks (verification-peers.ts).
  globalSetup: ['./e2e/support/global-setup.ts', './e2e/support/verification-peers.ts'],
  // After every test: no server logged a secret of the run (e2e/support/log-secrets.ts).
  globalTeardown: './e2e/support/log-secrets.ts',
  // Generous: CI runs on two cores, and a browser test walks a whole page.
  timeout: 60_000,
  expect: { timeout: 10_000 },
  use: { baseURL: `http://127.0.0.1:${process.env.E2E_MAIN_PORT}`, trace: 'retain-on-failure' },
  projects: [
    { name: 'api', testDir: './e2e/api' },
    { name: 'browser', testDir: './e2e/browser', use: { ...chromium, viewport: { width: 1280, height: 800 } } },
    // Several instances on one PostgreSQL behind nginx (issue 17): each spec starts its own
    // database, servers and balancer (e2e/support/cluster.ts) and stops them after; none of the
    // servers below is used.
    { name: 'cluster', testDir: './e2e/cluster', use: { ...chromium, viewport: { width: 1280, height: 800 } } },
  ],
  webServer: [
    server('setup', process.env.E2E_SETUP_PORT, { DATABASE_URL: databases.setup }),
    server('main', process.env.E2E_MAIN_PORT, {
      DATABASE_URL: databases.main,
      // Every test signs in from 127.0.0.1; the per-address limit is tested on the proxied server.
      SIGN_IN_FAILURES_PER_IP: '1000',
      // Domain verification asks the DNS and web servers of e2e/support/verification-peers.ts.
      DNS_SERVERS: `127.0.0.1:${process.env.E2E_DNS_PORT}`,
      DOMAIN_HTTP_VERIFICATION_BASE: `http://127.0.0.1:${process.env.E2E_HTTP_CHALLENGE_PORT}`,
      DOMAIN_VERIFICATION_TIMEOUT_MS: '2000',
      // That web server is on loopback, which the domain HTTP check reaches only with `all`
      // (the default, `jwks`, lets only the JWKS check reach private addresses: the proxied
      // server runs with it and shows the HTTP check refused).
      OUTBOUND_ALLOW_PRIVATE: 'all',
      PORTCULLIS_ORG_NAME: 'Main Test Org',
      GOOGLE_CLIENT_ID: oauthClients.google.clientId,
      GOOGLE_CLIENT_SECRET: oauthClients.google.clientSecret,
      GOOGLE_ISSUER: `http://127.0.0.1:${process.env.E2E_GOOGLE_PORT}`,
      MICROSOFT_CLIENT_ID: oauthClients.microsoft.clientId,
      MICROSOFT_CLIENT_SECRET: oauthClients.microsoft.clientSecret,
      MICROSOFT_ISSUER: `http://127.0.0.1:${process.env.E2E_MICROSOFT_PORT}`,
      GITHUB_CLIENT_ID: oauthClients.github.clientId,
      GITHUB_CLIENT_SECRET: oauthClients.github.clientSecret,
      GITHUB_AUTHORIZATION_URL: `http://127.0.0.1:${process.env.E2E_GITHUB_PORT}/login/oauth/authorize`,
      GITHUB_TOKEN_URL: `http://127.0.0.1:${process.env.E2E_GITHUB_PORT}/login/oauth/access_token`,
      GITHUB_API_URL: `http://127.0.0.1:${process.env.E2E_GITHUB_PORT}`,
      METRICS_TOKEN: process.env.E2E_METRICS_TOKEN,
      PORTCULLIS_ADMIN_EMAIL: 'admin@main.test',
      PORTCULLIS_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
    }),
    server('proxied', process.env.E2E_PROXIED_PORT, {
      DATABASE_URL: databases.proxied,
      TRUSTED_PROXIES: '127.0.0.1/32',
      // The same challenge web server as main's, under the default OUTBOUND_ALLOW_PRIVATE (jwks):
      // the domain HTTP check must refuse to reach it (e2e/api/domains.spec.ts).
      DOMAIN_HTTP_VERIFICATION_BASE: `http://127.0.0.1:${process.env.E2E_HTTP_CHALLENGE_PORT}`,
      // Invitations are mailed to an SMTP server that e2e/api/invitations.spec.ts runs on loopback.
      SMTP_HOST: '127.0.0.1',
      SMTP_PORT: process.env.E2E_SMTP_PORT,
      SMTP_FROM: 'Portcullis <console@proxied.test>',
      PORTCULLIS_ORG_NAME: 'Proxied Test Org',
      PORTCULLIS_ADMIN_EMAIL: 'admin@proxied.test',
      PORTCULLIS_ADMIN_PASSWORD: process.env.E2E_ADMIN_PASSWORD,
    }),
  ],
});
