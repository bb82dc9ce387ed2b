import { eq, sql } from 'drizzle-orm';
import { projects } from '@/db/tables';
import type { Ctx } from '@/lib/context';
import { preparedPerDb } from '@/lib/prepared';

/** What the request gate needs to know of a project: whose it is. */
export type ProjectOwner = { name: string; organizationId: string | null; createdByUserId: string | null };

const ownerByName = preparedPerDb((db) =>
  db
    .select({ name: projects.name, organizationId: projects.organizationId, createdByUserId: projects.createdByUserId })
    .from(projects)
    .where(eq(projects.name, sql.placeholder('name')))
    .prepare(),
);

export async function findProjectOwner(ctx: Ctx, name: string): Promise<ProjectOwner | null> {
  return (await ownerByName(ctx.db).execute({ name }))[0] ?? null;
}
