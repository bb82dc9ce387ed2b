import { createHmac, timingSafeEqual } from 'node:crypto';

// The signature of a webhook delivery: X-Portcullis-Signature: sha256=<hex HMAC-SHA256 of
// "<X-Portcullis-Timestamp>.<body>"> under the destination's secret. The timestamp is inside what
// is signed, so a receiver that refuses old timestamps also refuses a replayed delivery.

export const EVENT_ID_HEADER = 'X-Portcullis-Event-Id';
export const TIMESTAMP_HEADER = 'X-Portcullis-Timestamp';
export const SIGNATURE_HEADER = 'X-Portcullis-Signature';

/** The header value for a body sent at `timestamp` (Unix seconds, as sent in its header). */
export function signWebhook(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/**
 * What a receiver does: recompute and compare in constant time, and refuse a timestamp more than
 * `toleranceSeconds` away from its own clock. For the tests and docs/audit-streaming.md.
 */
export function verifyWebhook(
  secret: string,
  headers: { timestamp: string | undefined; signature: string | undefined },
  body: string,
  nowSeconds: number,
  toleranceSeconds = 300,
): boolean {
  if (!headers.timestamp || !headers.signature || !/^\d{1,12}$/.test(headers.timestamp)) return false;
  if (Math.abs(nowSeconds - Number(headers.timestamp)) > toleranceSeconds) return false;
  const expected = Buffer.from(signWebhook(secret, headers.timestamp, body));
  const given = Buffer.from(headers.signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
