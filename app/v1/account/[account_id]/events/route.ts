import { readAuditLog } from '@/lib/audit-log/query';
import { auditEventToWire } from '@/lib/audit-log/wire';
import { apiRoute } from '@/lib/api/handler';
import { queryOf } from '@/lib/http/query';
import { AppError } from '@/lib/errors';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/account/{account_id}/events', {
  // GET /v1/account/{account_id}/events?limit&offset&cursor&actor&event&from&to: the organization's
  // audit log, newest first, for its super admins. Upstream takes no parameters; ours are
  // extensions, and so are `total`, `limit`, `offset` and `next_cursor` beside `events`. For an
  // export, follow `next_cursor` (pass it back as `cursor`) until it is null: keyset paging on
  // (time, id) neither skips nor repeats an event while new ones are added, as offsets would.
  GET: async ({ ctx, membership, request }) => {
    // The gate resolved the account id to the caller's membership (404 otherwise) and checked it.
    if (!membership) throw new AppError('not_found', 'Account not found');
    const { events, total, limit, offset, nextCursor } = await readAuditLog({ ctx, membership, input: queryOf(request) });
    return { events: events.map((event) => auditEventToWire(event, membership.organization)), total, limit, offset, next_cursor: nextCursor };
  },
});
