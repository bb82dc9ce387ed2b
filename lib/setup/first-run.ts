import type { RequestMeta } from '@/lib/call';
import type { Env } from '@/lib/env';
import { count } from 'drizzle-orm';
import { type Organization, type User } from '@/db/schema';
import { organizations } from '@/db/tables';
import { recordAudit } from '@/lib/audit/record';
import { hashPassword } from '@/lib/passwords/hash';
import { type Ctx, inTransaction } from '@/lib/context';
import { AppError, parseInput } from '@/lib/errors';
import { insertMembership, insertOrganization } from '@/lib/model/organizations';
import { insertUser } from '@/lib/model/users';
import { managingOrganizationForEmail } from '@/lib/domains/route';
import { setupSchema } from './schema';
import { first } from '@/db/async';

/** True until the first organization exists. */
export async function isSetupNeeded(ctx: Ctx): Promise<boolean> {
  return (await first(ctx.db.select({ n: count() }).from(organizations).limit(1)))!.n === 0;
}

export type SetupResult = { organization: Organization; user: User };

/**
 * Creates the first organization and its first super admin. Runs once: the check and the
 * inserts share one write transaction, so two racing setup requests cannot both succeed.
 */
export async function completeSetup({
  ctx,
  input,
  meta,
  source = 'console',
}: {
  ctx: Ctx;
  input: unknown;
  meta: RequestMeta;
  source?: 'console' | 'environment';
}): Promise<SetupResult> {
  const { organizationName, email, password } = parseInput(setupSchema, input);
  if (!await isSetupNeeded(ctx)) throw new AppError('conflict', 'Portcullis is already set up');
  const passwordHash = await hashPassword(password);

  // better-sqlite3 runs a transaction on the one connection, synchronously: every statement on
  // ctx.db inside the callback is part of it.
  return await inTransaction(ctx, async (ctx) => {
      if (!await isSetupNeeded(ctx)) throw new AppError('conflict', 'Portcullis is already set up');
      const organization = await insertOrganization(ctx, { name: organizationName });
      // No domain can be verified before the first organization exists; asked anyway, so that
      // every path that creates a person sets who manages them the same way.
      // The operator set this account up: its address counts as proven.
      const user = await insertUser(ctx, { email, passwordHash, managingOrganizationId: await managingOrganizationForEmail(ctx, email), emailProven: true });
      await insertMembership(ctx, { organizationId: organization.id, userId: user.id, isSuperAdmin: true });
      await recordAudit(ctx, {
        event: 'setup.completed',
        organizationId: organization.id,
        actorUserId: user.id,
        actorEmail: email,
        ip: meta.ip,
        userAgent: meta.userAgent,
        details: { organization_name: organizationName, source },
      });
      return { organization, user };
    },
  );
}

/**
 * Scripted installs: PORTCULLIS_ORG_NAME, PORTCULLIS_ADMIN_EMAIL and PORTCULLIS_ADMIN_PASSWORD
 * at start do what the setup page does. All three or none; an already set-up install ignores them.
 * Idempotent across instances: several started together against one database make one
 * organization; those that lose the race find it set up and start like any later restart.
 */
export async function setupFromEnvironment(ctx: Ctx, env: Env): Promise<SetupResult | null> {
  const names = ['PORTCULLIS_ORG_NAME', 'PORTCULLIS_ADMIN_EMAIL', 'PORTCULLIS_ADMIN_PASSWORD'] as const;
  const given = names.filter((name) => env[name]);
  if (given.length === 0 || !await isSetupNeeded(ctx)) return null;
  if (given.length !== names.length) {
    throw new Error(`First-run setup needs all of ${names.join(', ')}; missing: ${names.filter((n) => !env[n]).join(', ')}`);
  }
  try {
    return await completeSetup({
      ctx,
      input: { organizationName: env.PORTCULLIS_ORG_NAME, email: env.PORTCULLIS_ADMIN_EMAIL, password: env.PORTCULLIS_ADMIN_PASSWORD },
      meta: { ip: null, userAgent: null },
      source: 'environment',
    });
  } catch (error) {
    // Another instance set up between our check and our write transaction.
    if (error instanceof AppError && error.code === 'conflict') return null;
    if (error instanceof AppError) throw new Error(`First-run setup from the environment failed: ${error.message}`);
    throw error;
  }
}
