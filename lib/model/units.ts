import { eq, sql } from 'drizzle-orm';
import { type OrganizationUnit } from '@/db/schema';
import { organizationUnits } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { preparedPerDb } from '@/lib/prepared';

// The one lookup of an organizational unit by its account id, for the request gate (which
// resolves /v1/account/{unit_id} to the unit's organization) and lib/organizations/units.ts. Kept apart
// from units.ts so that the gate does not import the code that imports the gate.

const unitById = preparedPerDb((db) =>
  db.select().from(organizationUnits).where(eq(organizationUnits.id, sql.placeholder('id'))).prepare(),
);

/** The unit with this account id, whichever organization it is in; null if there is none. */
export async function findUnit(ctx: Ctx, id: string): Promise<OrganizationUnit | null> {
  return (await unitById(ctx.db).execute({ id }))[0] ?? null;
}
