// The app registrations the main test server has at the stand-in providers (test values only).
// playwright.config.ts hands them to the server; e2e/support/oauth-peers.ts to the peers.
export const oauthClients = {
  google: { clientId: 'portcullis-e2e-google', clientSecret: 'e2e-google-secret-not-for-production' },
  microsoft: { clientId: 'portcullis-e2e-microsoft', clientSecret: 'e2e-microsoft-secret-not-for-production' },
  github: { clientId: 'portcullis-e2e-github', clientSecret: 'e2e-github-secret-not-for-production' },
} as const;
