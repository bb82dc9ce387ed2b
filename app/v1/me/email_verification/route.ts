import { apiRoute, readJson } from '@/lib/api/handler';
import { smtpSettings } from '@/lib/mail/smtp';
import { publicBaseUrl } from '@/lib/http/public-url';
import { requestEmailVerification } from '@/lib/users/verify-email';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/me/email_verification', {
  // POST /v1/me/email_verification (ours): mails the caller's address a link that proves it; 409
  // when it is proven already or this server has no SMTP, 429 within 5 minutes of the last one.
  POST: async ({ ctx, principal, meta, request }) => {
    const { email, expiryTime } = await requestEmailVerification({
      ctx,
      principal,
      meta,
      input: await readJson(request),
      baseUrl: publicBaseUrl(),
      smtp: smtpSettings(),
    });
    return { message: `A verification link was mailed to ${email}; it is valid until ${expiryTime}` };
  },
});
