import { requireConsole } from '@/app/_lib/session';
import { exportAuditLog } from '@/lib/audit-log/export';
import { queryOf } from '@/lib/http/query';
import { apiErrorBody, AppError } from '@/lib/errors';

// GET /admin/audit-log/export?format=csv|jsonl&actor&event&from&to: the Admin → Audit log page's
// downloads, of the whole filtered view. The console session's gate (requireConsole: cookie,
// IP allowlist, policy, two-factor) and then exportAuditLog's super-admin check, as the page
// does; the organization is the one the admin is working in, never one named in the request.
export async function GET(request: Request) {
  let download;
  try {
    download = await exportAuditLog(await requireConsole(), queryOf(request));
  } catch (error) {
    // A refusal (403: not a super admin, or the allowlist; 400: a bad filter) is answered in the
    // API's error body; anything else, such as the sign-in redirect of a dead session, goes on.
    if (!(error instanceof AppError)) throw error;
    return Response.json(apiErrorBody(error), { status: error.status });
  }
  const { chunks } = download;
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await chunks.next();
      if (next.done) controller.close();
      else controller.enqueue(encoder.encode(next.value));
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  return new Response(body, {
    headers: {
      'content-type': download.contentType,
      'content-disposition': `attachment; filename="${download.filename}"`,
      'cache-control': 'no-store',
      'x-content-type-options': 'nosniff',
    },
  });
}
