import { randomUUID } from 'node:crypto';

// Each request's id: in its log line and in the response's `x-request-id` header, so that a
// person holding a failed response finds its line. A proxy the operator trusts (TRUSTED_PROXIES)
// may hand in its own id (nginx's $request_id) to tie its log to ours; from anyone else the
// header is ignored, as the forwarding headers are, and a well-formed id is still required, so
// nothing a client sends can forge another request's id or break a log line.

export const REQUEST_ID_HEADER = 'x-request-id';

const WELL_FORMED = /^[A-Za-z0-9._:-]{8,128}$/;

export function requestIdOf(sent: string | string[] | undefined, fromTrustedProxy: boolean): string {
  const value = Array.isArray(sent) ? sent[0] : sent;
  return fromTrustedProxy && value && WELL_FORMED.test(value) ? value : randomUUID();
}
