import { decideMetricsAccess, type MetricsAccess } from './access';
import { metrics } from './registry';

// The answer to a request for /metrics, as plain data: scripts/server.ts writes it to the socket.

export type MetricsResponse = { status: number; headers: Record<string, string>; body: string };

const text = (status: number, body: string, headers: Record<string, string> = {}): MetricsResponse => ({
  status,
  headers: { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers },
  body,
});

export async function metricsResponse(
  access: MetricsAccess,
  request: { method: string | undefined; authorization: string | undefined; clientIp: string | null },
): Promise<MetricsResponse> {
  const decision = decideMetricsAccess(access, request);
  if (decision === 'not_found') return text(404, 'Not Found\n');
  if (decision === 'unauthorized') return text(401, 'Unauthorized\n', { 'www-authenticate': 'Bearer realm="metrics"' });
  if (request.method !== 'GET' && request.method !== 'HEAD') return text(405, 'Method Not Allowed\n', { allow: 'GET, HEAD' });
  const { registry } = metrics();
  return { status: 200, headers: { 'content-type': registry.contentType, 'cache-control': 'no-store' }, body: await registry.metrics() };
}
