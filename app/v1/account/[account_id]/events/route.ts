import { readAuditLog } from '@/lib/audit-log/query';
import { auditEventToWire } from '@/lib/audit-log/wire';
import { apiRoute } from '@/lib/api/handler';
import { queryOf } from '@/lib/http/query';
import { AppError } from '@/lib/errors';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/account/{account_id}/events', {
  // GET /v1/account/{account_id}/events?limit&offset&actor&event&from&to: the organization's audit
  // log, newest first, for its super admins. Upstream takes no parameters; ours are extensions,
  // and so are `total`, `limit` and `offset` beside `events`.
  GET: async ({ ctx, membership, request }) => {
    // The gate resolved the account id to the caller's membership (404 otherwise) and checked it.
    if (!membership) throw new AppError('not_found', 'Account not found');
    const { events, total, limit, offset } = await readAuditLog({ ctx, membership, input: queryOf(request) });
    return { events: events.map((event) => auditEventToWire(event, membership.organization)), total, limit, offset };
  },
});
