import NextAuth from 'next-auth';
import type { NextRequest } from 'next/server';
import { authOptions } from '@/app/_lib/auth-options';
import { withOAuthRequest } from '@/lib/sign-in/oauth-request';
import { liveCtx } from '@/lib/context';
import { requestMeta } from '@/lib/api/handler';

type Context = { params: Promise<{ nextauth: string[] }> };

// GET|POST /api/auth/*: next-auth's sign-in endpoints, wrapped so that a third-party sign-in
// knows the client's address and lands on a page that says what happened.
async function handler(req: NextRequest, context: Context) {
  const [action, provider] = (await context.params).nextauth ?? [];
  const input = { request: req, meta: requestMeta(req.headers), cookies: (name: string) => req.cookies.get(name)?.value, action, provider };
  return await withOAuthRequest({ ctx: liveCtx(), input }, () => NextAuth(req as never, context as never, authOptions) as Promise<Response>);
}

export { handler as GET, handler as POST };
