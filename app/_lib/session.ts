import 'server-only';
import { cookies, headers } from 'next/headers';
import { redirect } from 'next/navigation';
import { cache } from 'react';
import { gate, type GateResult } from '@/lib/auth/gate';
import { sessionTokenFromCookies } from '@/lib/auth/session';
import type { RequestMeta } from '@/lib/auth/sign-in';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { requestMeta } from '@/lib/http/api';
import { CURRENT_ORG_COOKIE } from '@/lib/orgs/current';

export type ConsoleSession = GateResult & { meta: RequestMeta };

/**
 * The gate for console pages and server actions, run once per request (React's cache).
 * `ownResources` for Profile pages and their actions (see RequestScope in lib/auth/gate.ts). A dead
 * session goes to sign-in; a refusal (IP allowlist) throws, and the error page shows it.
 */
export const requireConsole = cache(async (ownResources: boolean = false): Promise<ConsoleSession> => {
  const [cookieStore, headerStore] = await Promise.all([cookies(), headers()]);
  const meta = requestMeta(headerStore);
  const cookieToken = sessionTokenFromCookies((name) => cookieStore.get(name)?.value);
  if (!cookieToken) redirect('/signin');
  try {
    const result = gate({
      ctx: liveCtx(),
      input: {
        authorization: null,
        cookieToken,
        ...meta,
        scope: { kind: 'console', preferredOrganizationId: cookieStore.get(CURRENT_ORG_COOKIE)?.value ?? null, ownResources },
      },
    });
    return { ...result, meta };
  } catch (error) {
    if (error instanceof AppError && error.status === 401) redirect('/signin');
    throw error;
  }
});
