import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import type { OAuthConfig, Provider } from 'next-auth/providers/index';
import { OAUTH_PROVIDER_LABELS, isOAuthProvider, oauthProvidersFromEnv, type GitHubProviderConfig, type OidcProviderConfig } from '@/lib/sign-in/oauth-config';
import { fetchGitHubProfile, type GitHubProfile, type GitHubTokens } from '@/lib/sign-in/github-api';
import { githubIdentity, oidcIdentity, type ProviderIdentity } from '@/lib/sign-in/oauth-profile';
import { authLogger, currentOAuthRequest, handleOAuthIdentity } from '@/lib/sign-in/oauth-request';
import { signInWithPassword } from '@/lib/sign-in/password';
import { consoleSessionUserId, sessionTokenSettings } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { toAppError } from '@/lib/errors';
import { requestMeta } from '@/lib/api/handler';

type ProfileUser = { id: string; name: string; email: string | null; emailVerified: boolean; sessionToken?: string };

const asUser = (identity: ProviderIdentity): ProfileUser => ({
  id: identity.subject,
  name: identity.name,
  email: identity.email,
  emailVerified: identity.emailVerified,
});

/** Google or Microsoft Entra ID: OpenID Connect, found through the issuer's discovery document. */
function oidcProvider(config: OidcProviderConfig): OAuthConfig<Record<string, unknown>> {
  return {
    id: config.id,
    name: OAUTH_PROVIDER_LABELS[config.id],
    type: 'oauth',
    wellKnown: `${config.issuer}/.well-known/openid-configuration`,
    authorization: { params: { scope: 'openid email profile' } },
    // The ID token is verified by openid-client: signature from the issuer's keys, `iss`, `aud`.
    idToken: true,
    checks: ['pkce', 'state'],
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    profile: (claims) => asUser(oidcIdentity(config.id, claims)) as never,
  };
}

/** GitHub: OAuth 2.0 and its REST API (/user, and /user/emails for a verified address). */
function githubProvider(config: GitHubProviderConfig): OAuthConfig<GitHubProfile> {
  return {
    id: 'github',
    name: OAUTH_PROVIDER_LABELS.github,
    type: 'oauth',
    issuer: new URL(config.authorizationUrl).origin,
    authorization: { url: config.authorizationUrl, params: { scope: 'read:user user:email' } },
    token: config.tokenUrl,
    userinfo: {
      url: `${config.apiUrl}/user`,
      request: ({ tokens }) => fetchGitHubProfile(config.apiUrl, tokens as GitHubTokens),
    },
    checks: ['state'],
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    profile: (profile) => asUser(githubIdentity(profile.user, profile.emails)) as never,
  };
}

/** The third-party providers configured in the environment (see the README's table). */
function oauthProviders(): Provider[] {
  return oauthProvidersFromEnv(process.env).map((config) => (config.id === 'github' ? githubProvider(config) : oidcProvider(config)) as Provider);
}

// next-auth runs the sign-in flows (credentials and the third-party providers). Its cookie does not
// carry a JWT: encode() hands back our own opaque session token, so every session is a row in
// the tokens table that can be listed, revoked and checked by the request gate.
export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: sessionTokenSettings().maxAgeSeconds },
  pages: { signIn: '/signin', error: '/signin' },
  logger: authLogger,
  providers: [
    CredentialsProvider({
      id: 'credentials',
      name: 'Email and password',
      credentials: {
        email: { label: 'Email', type: 'email' },
        password: { label: 'Password', type: 'password' },
        otp: { label: 'Authentication code', type: 'text' },
      },
      async authorize(credentials, req) {
        try {
          const { user, fullToken } = await signInWithPassword({
            ctx: liveCtx(),
            // The form sends `otp` only once sign-in has asked for it (OTP_REQUIRED_MESSAGE).
            input: { email: credentials?.email, password: credentials?.password, otp: credentials?.otp || undefined },
            // The client address as the custom server set it (never a client-sent header).
            meta: requestMeta(req.headers),
          });
          return { id: user.id, email: user.email, name: user.realName, sessionToken: fullToken };
        } catch (error) {
          // next-auth hands the message to the sign-in page, which shows it as it is.
          throw new Error(toAppError(error).message);
        }
      },
    }),
    ...oauthProviders(),
  ],
  callbacks: {
    // Third-party sign-ins: lib/sign-in/oauth.ts decides (link, create or refuse) and
    // creates the session token; a string sends the browser elsewhere without a session.
    async signIn({ user, account }) {
      if (!account || account.provider === 'credentials') return true;
      const request = currentOAuthRequest();
      if (!request || !isOAuthProvider(account.provider)) return false;
      const profile = user as unknown as ProfileUser;
      const verdict = await handleOAuthIdentity(request, {
        provider: account.provider,
        subject: account.providerAccountId,
        email: profile.email,
        emailVerified: profile.emailVerified === true,
        name: profile.name ?? '',
      });
      // next-auth hands this same object to the jwt callback below.
      if (verdict === true) profile.sessionToken = request.sessionToken;
      return verdict;
    },
    jwt({ token, user }) {
      if (user && 'sessionToken' in user) token.sessionToken = user.sessionToken as string;
      return token;
    },
  },
  jwt: {
    async encode({ token }) {
      return typeof token?.sessionToken === 'string' ? token.sessionToken : '';
    },
    async decode({ token }) {
      if (!token) return null;
      // Whether the cookie still names a console session: a login session, never a personal or
      // application token (lib/auth/session.ts). The request gate does the full check.
      const userId = await consoleSessionUserId(liveCtx(), token);
      return userId ? { sub: userId, sessionToken: token } : null;
    },
  },
};
