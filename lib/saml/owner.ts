import { eq } from 'drizzle-orm';
import { authenticationMethods } from '@/db/schema';
import type { Ctx } from '@/lib/context';

/** The organization that owns an identity provider, or null when there is no such provider. */
export function identityProviderOrganization(ctx: Ctx, methodId: string): string | null {
  return (
    ctx.db
      .select({ organizationId: authenticationMethods.organizationId })
      .from(authenticationMethods)
      .where(eq(authenticationMethods.id, methodId))
      .get()?.organizationId ?? null
  );
}
