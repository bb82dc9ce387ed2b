// GET /healthz: the process is up. No authentication and no database: for load balancers and
// as the benchmark's "no gate" baseline.
// Dynamic: run on every request like any API route, so that the benchmark compares like with like.
export const dynamic = 'force-dynamic';

export function GET() {
  return Response.json({ status: 'ok' });
}
