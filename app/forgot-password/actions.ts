'use server';

import { headers } from 'next/headers';
import { publicAction } from '@/app/_lib/action';
import { requestPasswordResetSchema } from '@/lib/passwords/schema';
import { liveCtx } from '@/lib/context';
import { requestMeta } from '@/lib/api/handler';
import { assertSameOriginPost } from '@/lib/http/same-origin';
import { smtpSettings } from '@/lib/mail/smtp';
import { publicBaseUrl } from '@/lib/http/public-url';
import { requestPasswordReset } from '@/lib/passwords/reset';

// "Forgot password?": the same answer for every address (lib/passwords/reset.ts); the mail,
// if any, goes out after it.
export const requestPasswordResetAction = publicAction(requestPasswordResetSchema, async (input) => {
  const headerStore = await headers();
  // It mails someone: only from a page of ours.
  assertSameOriginPost(headerStore, publicBaseUrl());
  const { message } = await requestPasswordReset({ ctx: liveCtx(), meta: requestMeta(headerStore), input, smtp: smtpSettings() });
  return { message };
});
