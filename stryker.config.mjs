// Mutation testing of the boundary checks (`npm run test:mutation`; README.md, SECURITY.md).
// StrykerJS changes one operator, condition or constant at a time in the files below and runs
// the unit tests that import them: a change no test notices ("survived") is a check no test
// guards. Stays on 9.6.x: 10.x needs Node 22.

/** @type {import('@stryker-mutator/api/core').PartialStrykerOptions} */
export default {
  testRunner: 'vitest',
  // Only the unit tests (vitest.config.ts includes lib/, db/ and scripts/ tests, never e2e/),
  // and of those only the ones that import the mutated file (`related`).
  vitest: { configFile: 'vitest.config.ts', related: true },
  // The files whose checks keep identities, tokens and organizations apart.
  mutate: [
    'lib/auth/gate.ts',
    'lib/auth/session.ts',
    'lib/auth/rate-limit.ts',
    'lib/sign-in/oauth.ts',
    'lib/tokens/scopes.ts',
    'lib/tokens/resolve.ts',
    'lib/tokens/create.ts',
    'lib/saml/acs.ts',
    'lib/saml/validate.ts',
    'lib/saml/start.ts',
    'lib/policy/policy.ts',
    'lib/net/cidr.ts',
    'lib/net/client-ip.ts',
    'lib/net/outbound.ts',
    'lib/invitations/manage.ts',
    'lib/tokens/narrowing.ts',
    'lib/http/same-origin.ts',
    'lib/http/routes.ts',
    'lib/saml/authorize-start.ts',
    'lib/model/proven.ts',
    'lib/users/verify-email.ts',
    'lib/services/secrets.ts',
    'lib/invitations/send.ts',
    'lib/organizations/accounts.ts',
    'lib/organizations/units.ts',
    'lib/users/member-two-factor.ts',
    'lib/services/manage.ts',
    'lib/services/wire.ts',
    'lib/services/signing-key.ts',
    'lib/passwords/change.ts',
    'lib/passwords/reset.ts',
    'lib/operator/resolve.ts',
    'lib/operator/unlock.ts',
    'lib/operator/super-admin.ts',
    'lib/operator/two-factor.ts',
    'lib/operator/password-reset.ts',
    'lib/tokens/manage.ts',
    'lib/tokens/token.ts',
    'lib/sign-in/identities.ts',
    'lib/two-factor/status.ts',
    'lib/two-factor/reset.ts',
    'lib/sign-in/oauth-link-intent.ts',
    'lib/sign-in/oauth-profile.ts',
    'lib/passwords/hash.ts',
    'lib/application-users/manage.ts',
    'lib/domains/manage.ts',
    'lib/api/handler.ts',
    'lib/call.ts',
    'lib/model/organizations.ts',
    'lib/sign-in/oauth-request.ts',
    'lib/auth/optional-session.ts',
    'lib/saml/login.ts',
    'lib/http/public-url.ts',
  ],
  // Error wording is not a boundary: a changed message is not a broken check.
  mutator: { excludedMutations: ['StringLiteral'] },
  // Reuse the last run's results for code and tests that did not change.
  incremental: true,
  incrementalFile: 'reports/stryker-incremental.json',
  // The machine is shared (2 cores): one test process at a time.
  concurrency: 1,
  // Some tests hash with argon2 and sign SAML responses: slow on a busy machine.
  timeoutMS: 60_000,
  reporters: ['clear-text', 'progress', 'html', 'json'],
  htmlReporter: { fileName: 'reports/mutation/mutation.html' },
  jsonReporter: { fileName: 'reports/mutation/mutation.json' },
  // The sandbox copy needs neither builds, databases nor test output.
  ignorePatterns: ['/.next', '/data', '/.e2e', '/test-results', '/playwright-report', '/bench/results', '/reports'],
  tempDirName: '.stryker-tmp',
  cleanTempDir: true,
};
