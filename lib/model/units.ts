import { eq, sql } from 'drizzle-orm';
import { organizationUnits, type OrganizationUnit } from '@/db/schema';
import type { Ctx } from '@/lib/context';
import { preparedPerDb } from '@/lib/prepared';

// The one lookup of an organizational unit by its account id, for the request gate (which
// resolves /v1/account/{unit_id} to the unit's organization) and lib/organizations/units.ts. Kept apart
// from units.ts so that the gate does not import the code that imports the gate.

const unitById = preparedPerDb((db) =>
  db.select().from(organizationUnits).where(eq(organizationUnits.id, sql.placeholder('id'))).prepare(),
);

/** The unit with this account id, whichever organization it is in; null if there is none. */
export function findUnit(ctx: Ctx, id: string): OrganizationUnit | null {
  return unitById(ctx.db).get({ id }) ?? null;
}
