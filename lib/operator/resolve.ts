import { eq, sql } from 'drizzle-orm';
import { type Organization, type User } from '@/db/schema';
import { organizationUnits, organizations, users } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { first } from '@/db/async';

// Finding what the operator named on the command line. A miss is a plain "not found" with what
// was typed, never a guess: the operator is about to change someone's account.

/** The user with this id, or else this email address (any case). */
export async function findUser(ctx: Ctx, ref: string): Promise<User> {
  const byId = await first(ctx.db.select().from(users).where(eq(users.id, ref)).limit(1));
  if (byId) return byId;
  const byEmail = await first(ctx.db.select().from(users).where(eq(users.email, ref.toLowerCase())).limit(1));
  if (byEmail) return byEmail;
  throw new AppError('not_found', `No user with the email address or user id "${ref}"`);
}

/**
 * The organization with this organization id or account id, or else this name (any case). Names
 * need not be unique: several with one name is a refusal that lists their ids.
 */
export async function findOrganization(ctx: Ctx, ref: string): Promise<Organization> {
  const byId = await first(ctx.db.select().from(organizations).where(eq(organizations.id, ref)).limit(1));
  if (byId) return byId;
  const byAccount = await first(ctx.db.select().from(organizations).where(eq(organizations.accountId, ref)).limit(1));
  if (byAccount) return byAccount;
  const byName = await ctx.db
    .select()
    .from(organizations)
    .where(sql`lower(${organizations.name}) = ${ref.toLowerCase()}`)
    .orderBy(organizations.createTime);
  if (byName.length === 1) return byName[0]!;
  if (byName.length > 1) {
    throw new AppError(
      'conflict',
      `${byName.length} organizations are named "${ref}" (${byName.map((o) => o.id).join(', ')}): name one by its organization id`,
    );
  }
  // A unit follows its organization's policy, allowlist and super admins: point at the organization.
  const unit = await first(
    ctx.db
      .select({ name: organizationUnits.name, organization: organizations })
      .from(organizationUnits)
      .innerJoin(organizations, eq(organizations.id, organizationUnits.organizationId))
      .where(eq(organizationUnits.id, ref))
      .limit(1),
  );
  if (unit) {
    throw new AppError(
      'conflict',
      `"${unit.name}" (${ref}) is a unit of ${organizationLabel(unit.organization)}, whose policy, IP allowlist and super admins it follows: name the organization`,
    );
  }
  throw new AppError('not_found', `No organization with the id, account id or name "${ref}"`);
}

/** "alice@example.com (u1a2b3c4d5e6)" */
export const userLabel = (user: Pick<User, 'id' | 'email'>) => `${user.email} (${user.id})`;
/** "Acme (org1a2b3c4d5e6)" */
export const organizationLabel = (organization: Pick<Organization, 'id' | 'name'>) => `"${organization.name}" (${organization.id})`;
