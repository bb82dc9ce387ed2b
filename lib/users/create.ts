import { passwordCredentials, users, type User } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newUserId } from '@/lib/ids';

/**
 * Inserts a user, with an argon2id password hash if given (hash it before opening the
 * transaction: hashing is slow and must not hold the write lock). Input is already validated.
 */
export function insertUser(ctx: Ctx, { email, realName = '', passwordHash }: { email: string; realName?: string; passwordHash?: string }): User {
  const now = iso(ctx.now);
  const user = ctx.db.insert(users).values({ id: newUserId(), email, realName, createTime: now }).returning().get();
  if (passwordHash) ctx.db.insert(passwordCredentials).values({ userId: user.id, passwordHash, updateTime: now }).run();
  return user;
}
