import type { Db } from './client';

// Bulk inserts for the benchmark's million-token database: prepared statements on the driver
// directly, because a million rows through the query builder would take minutes.

export type BulkUser = { id: string; email: string; createTime: string };
export type BulkToken = { id: string; userId: string; tokenHash: string; tokenPrefix: string; createTime: string };

export function bulkInsertUsersAndTokens(db: Db, organizationId: string, rows: { user: BulkUser; tokens: BulkToken[] }[]): void {
  const sqlite = db.$client;
  const insertUser = sqlite.prepare('INSERT INTO users (id, email, create_time) VALUES (?, ?, ?)');
  const insertMember = sqlite.prepare('INSERT INTO memberships (organization_id, user_id, join_time) VALUES (?, ?, ?)');
  const insertToken = sqlite.prepare(
    `INSERT INTO tokens (id, user_id, token_hash, token_prefix, kind, auth_method, description, created_manually, create_time)
     VALUES (?, ?, ?, ?, 'personal', 'password', 'bench', 1, ?)`,
  );
  sqlite.transaction(() => {
    for (const { user, tokens } of rows) {
      insertUser.run(user.id, user.email, user.createTime);
      insertMember.run(organizationId, user.id, user.createTime);
      for (const t of tokens) insertToken.run(t.id, t.userId, t.tokenHash, t.tokenPrefix, t.createTime);
    }
  })();
}
