import type { NextAuthOptions } from 'next-auth';
import CredentialsProvider from 'next-auth/providers/credentials';
import { signInWithPassword } from '@/lib/auth/sign-in';
import { sessionTokenSettings } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { toAppError } from '@/lib/errors';
import { CLIENT_IP_HEADER } from '@/lib/net/client-ip';
import { hashToken } from '@/lib/tokens/token';
import { eq } from 'drizzle-orm';
import { tokens } from '@/db/schema';

type HeaderBag = Record<string, string | string[] | undefined> | undefined;
const header = (headers: HeaderBag, name: string) => {
  const value = headers?.[name];
  return (Array.isArray(value) ? value[0] : value) || null;
};

// next-auth runs the sign-in flows (credentials now, OAuth providers later). Its cookie does not
// carry a JWT: encode() hands back our own opaque session token, so every session is a row in
// the tokens table that can be listed, revoked and checked by the request gate.
export const authOptions: NextAuthOptions = {
  session: { strategy: 'jwt', maxAge: sessionTokenSettings().maxAgeSeconds },
  pages: { signIn: '/signin', error: '/signin' },
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
            meta: { ip: header(req.headers, CLIENT_IP_HEADER), userAgent: header(req.headers, 'user-agent') },
          });
          return { id: user.id, email: user.email, name: user.realName, sessionToken: fullToken };
        } catch (error) {
          // next-auth hands the message to the sign-in page, which shows it as it is.
          throw new Error(toAppError(error).message);
        }
      },
    }),
  ],
  callbacks: {
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
      // The request gate does the full check (expiry, allowlists); this only tells next-auth
      // whether the cookie still names a session.
      const row = liveCtx().db.select({ userId: tokens.userId }).from(tokens).where(eq(tokens.tokenHash, hashToken(token))).get();
      return row ? { sub: row.userId, sessionToken: token } : null;
    },
  },
};
