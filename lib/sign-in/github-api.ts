import type { GitHubEmail, GitHubUser } from './oauth-profile';

// GitHub's REST API, as the GitHub sign-in reads it (next-auth's userinfo step): who the user is
// (/user) and which of their addresses GitHub has verified (/user/emails). githubIdentity in
// ./oauth-profile.ts then decides which address counts.

export type GitHubProfile = { sub: string; user: GitHubUser; emails: GitHubEmail[] | null };

/** The token endpoint's answer, as next-auth hands it on. */
export type GitHubTokens = { access_token?: string } & Record<string, unknown>;

export async function fetchGitHubProfile(apiUrl: string, tokens: GitHubTokens, fetcher: typeof fetch = fetch): Promise<GitHubProfile> {
  // GitHub answers a bad or expired code with 200 and {"error": ...}, not with an HTTP error.
  if (typeof tokens.error === 'string' || !tokens.access_token) {
    throw new Error(`${String(tokens.error ?? 'no_access_token')}: ${String(tokens.error_description ?? 'the token endpoint returned no access token')}`);
  }
  const headers = { authorization: `Bearer ${tokens.access_token}`, accept: 'application/vnd.github+json', 'user-agent': 'Portcullis' };
  const userResponse = await fetcher(`${apiUrl}/user`, { headers });
  if (!userResponse.ok) throw new Error(`GitHub /user answered ${userResponse.status}`);
  // Without the email scope (or with GitHub's API failing) there is no verified address: null.
  const emailsResponse = await fetcher(`${apiUrl}/user/emails`, { headers });
  const emails = emailsResponse.ok ? ((await emailsResponse.json()) as GitHubEmail[]) : null;
  const user = (await userResponse.json()) as GitHubUser;
  return { sub: String(user.id ?? ''), user, emails: Array.isArray(emails) ? emails : null };
}
