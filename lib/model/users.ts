import { type User } from '@/db/schema';
import { passwordCredentials, users } from '@/db/tables';
import { iso, type Ctx } from '@/lib/context';
import { newUserId } from '@/lib/ids';
import { single } from '@/db/async';

/**
 * Inserts a user, with an argon2id password hash if given (hash it before opening the
 * transaction: hashing is slow and must not hold the write lock). Input is already validated.
 * `managingOrganizationId`: the organization that verified the address's domain, if any
 * (lib/domains/route.ts managingOrganizationForEmail); callers creating people pass it.
 */
export async function insertUser(
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
): Promise<User> {
  const now = iso(ctx.now);
  const user = await single(
    ctx.db
      .insert(users)
      .values({ id: newUserId(), email, realName, createTime: now, managingOrganizationId, emailVerifiedTime: emailProven ? now : null })
      .returning(),
  );
  if (passwordHash) await ctx.db.insert(passwordCredentials).values({ userId: user.id, passwordHash, updateTime: now });
  return user;
}
