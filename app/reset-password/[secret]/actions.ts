'use server';

import { headers } from 'next/headers';
import { publicAction } from '@/app/_lib/action';
import { resetPasswordActionSchema } from '@/lib/passwords/schema';
import { liveCtx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { requestMeta } from '@/lib/api/handler';
import { assertSameOriginPost } from '@/lib/http/same-origin';
import { publicBaseUrl } from '@/lib/http/public-url';
import { completePasswordReset } from '@/lib/passwords/reset';

// The "Set new password" button of /reset-password/<secret>: a POST made on that page (its GET
// only shows the form: mail scanners open links). Acts on the account the link names, whoever
// is signed in in this browser (lib/passwords/reset.ts).
export const completePasswordResetAction = publicAction(resetPasswordActionSchema, async ({ code, newPassword }) => {
  const headerStore = await headers();
  assertSameOriginPost(headerStore, publicBaseUrl());
  try {
    const { email } = await completePasswordReset({ ctx: liveCtx(), meta: requestMeta(headerStore), input: { code, new_password: newPassword } });
    return { email };
  } catch (error) {
    // The API's field name, as the form calls it.
    if (error instanceof AppError && error.fieldErrors.new_password) {
      throw new AppError(error.code, error.message, { newPassword: error.fieldErrors.new_password });
    }
    throw error;
  }
});
