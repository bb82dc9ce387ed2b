import { oauthClients } from './oauth-clients';
import { startGitHubPeer, startOidcPeer } from './oauth-peers';

// Playwright's global setup: the third-party sign-in peers on 127.0.0.1, on the ports that
// playwright.config.ts chose and gave the main server (E2E_GOOGLE_PORT and the others). They
// run for the whole test run; the returned function stops them.
export default async function globalSetup() {
  const callback = (provider: string) => `http://127.0.0.1:${process.env.E2E_MAIN_PORT}/api/auth/callback/${provider}`;
  const peers = await Promise.all([
    startOidcPeer({ flavor: 'google', port: Number(process.env.E2E_GOOGLE_PORT), ...oauthClients.google, redirectUri: callback('google') }),
    startOidcPeer({ flavor: 'microsoft', port: Number(process.env.E2E_MICROSOFT_PORT), ...oauthClients.microsoft, redirectUri: callback('microsoft') }),
    startGitHubPeer({ port: Number(process.env.E2E_GITHUB_PORT), ...oauthClients.github, redirectUri: callback('github') }),
  ]);
  return async () => {
    await Promise.all(peers.map((peer) => peer.close()));
  };
}
