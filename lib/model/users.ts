import { passwordCredentials, users, type User } from '@/db/schema';
import { iso, type Ctx } from '@/lib/context';
import { newUserId } from '@/lib/ids';

/**
 * Inserts a user, with an argon2id password hash if given (hash it before opening the
 * transaction: hashing is slow and must not hold the write lock). Input is already validated.
 * `managingOrganizationId`: the organization that verified the address's domain, if any
 * (lib/domains/route.ts managingOrganizationForEmail); callers creating people pass it.
 */
export function insertUser(
  ctx: Ctx,
  {
    email,
    realName = '',
    passwordHash,
    managingOrganizationId = null,
    emailProven = false,
  }: {
    email: string;
    realName?: string;
    passwordHash?: string;
    managingOrganizationId?: string | null;
    /** The person showed now that the address is theirs (see users.emailVerifiedTime). */
    emailProven?: boolean;
  },
): User {
  const now = iso(ctx.now);
  const user = ctx.db
    .insert(users)
    .values({ id: newUserId(), email, realName, createTime: now, managingOrganizationId, emailVerifiedTime: emailProven ? now : null })
    .returning()
    .get();
  if (passwordHash) ctx.db.insert(passwordCredentials).values({ userId: user.id, passwordHash, updateTime: now }).run();
  return user;
}
