// GET /healthz: the process is up. No authentication and no database: for load balancers and
// as the benchmark's "no gate" baseline.
export function GET() {
  return Response.json({ status: 'ok' });
}
