'use server';

import { headers } from 'next/headers';
import { consoleAction } from '@/app/_lib/action';
import { assertSameOriginPost } from '@/lib/http/same-origin';
import { publicBaseUrl } from '@/lib/http/public-url';
import { confirmEmailVerification } from '@/lib/users/verify-email';
import { confirmEmailVerificationSchema } from '@/lib/users/verify-email-schema';

// The "Verify <address>" button of /verify-email/<secret>: a POST made on that page, by the
// signed-in account the link belongs to (lib/users/verify-email.ts checks the account; the page's
// GET proves nothing, since mail scanners open links).
export const confirmEmailVerificationAction = consoleAction(
  confirmEmailVerificationSchema,
  async (input, call) => {
    assertSameOriginPost(await headers(), publicBaseUrl());
    return await confirmEmailVerification({ ...call, input });
  },
  { ownResources: true },
);
