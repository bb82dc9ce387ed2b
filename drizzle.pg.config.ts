import { defineConfig } from 'drizzle-kit';

// PostgreSQL (issue 17): the mirror of drizzle.config.ts. `npm run db:generate` runs both.
export default defineConfig({
  dialect: 'postgresql',
  schema: './db/schema.pg.ts',
  out: './db/migrations-pg',
});
