import { checkHealth } from '@/lib/http/health';

// GET /healthz: the process is up and its database answers (503 when it does not). No
// authentication: for load balancers, and the benchmark's "no gate" baseline (one trivial query).
// Dynamic: run on every request like any API route, so that the benchmark compares like with like.
export const dynamic = 'force-dynamic';

export async function GET() {
  const { status, body } = await checkHealth();
  return Response.json(body, { status });
}
