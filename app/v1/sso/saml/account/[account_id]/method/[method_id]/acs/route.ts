import { sessionCookieHeader } from '@/lib/auth/session';
import { liveCtx } from '@/lib/context';
import { apiRoute, requestMeta } from '@/lib/api/handler';
import { safeReturnPath } from '@/lib/http/areas';
import { consumeSamlResponse, malformedAcsPost } from '@/lib/saml/acs';
import { failurePage, htmlResponse, tracePage } from '@/lib/saml/html';
import { publicBaseUrl } from '@/lib/http/public-url';
import { browserRequestIdsOf } from '@/lib/identity-providers/urls';

const MAX_BODY = 2 * 1024 * 1024;

// POST /v1/sso/saml/account/{account_id}/method/{method_id}/acs: the Assertion Consumer Service
// (HTTP-POST binding). Public: the response is checked by SAML itself (lib/saml/validate.ts).
async function consume(request: Request, { account_id, method_id }: { account_id: string; method_id: string }) {
  const baseUrl = publicBaseUrl();
  let samlResponse: unknown;
  let relayState: unknown;
  try {
    const length = Number(request.headers.get('content-length') ?? 0);
    if (length > MAX_BODY) throw new Error('too large');
    const form = await request.formData();
    samlResponse = form.get('SAMLResponse');
    relayState = form.get('RelayState');
  } catch {
    return htmlResponse(failurePage(malformedAcsPost()), 400);
  }
  const outcome = await consumeSamlResponse({
    ctx: liveCtx(),
    accountId: account_id,
    methodId: method_id,
    samlResponse,
    meta: requestMeta(request.headers),
    baseUrl,
    browserRequestIds: browserRequestIdsOf(request.headers.get('cookie'), baseUrl),
  });
  switch (outcome.kind) {
    case 'session':
      // Our opaque session token in next-auth's cookie, as a password sign-in leaves it.
      return new Response(null, {
        status: 303,
        headers: {
          // RelayState is not signed: only a same-site path is followed, anything else lands on /.
          location: `${baseUrl}${safeReturnPath(typeof relayState === 'string' ? relayState : null)}`,
          'set-cookie': sessionCookieHeader(outcome.fullToken, outcome.maxAgeSeconds, baseUrl),
          'cache-control': 'no-store',
        },
      });
    case 'test':
      return htmlResponse(tracePage(outcome.trace));
    case 'failed':
      return htmlResponse(outcome.trace && outcome.trace.purpose === 'test' ? tracePage(outcome.trace) : failurePage(outcome.error), outcome.error.status);
  }
}

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/sso/saml/account/{account_id}/method/{method_id}/acs', {
  POST: ({ request, params }) => consume(request, params),
});
