// `npm run admin -- <command>`: operator recovery (break-glass) on the server host, against the
// database the server uses (DATABASE_URL, resolved as scripts/server.ts does), with or without
// the web server running. A thin adapter: the commands live in lib/operator/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { getAsyncDb, openAsyncDatabase } from '@/db/async';
import { databaseFile } from '@/db/client';
import { engineOf } from '@/db/tables';
import { runAdminCommand, type AdminIo } from '@/lib/operator/cli';

// The database path is relative to where the command was started (npm run starts it in the
// project folder, as npm start does the server); migrations are found from the project folder.
const file = databaseFile(process.env);
const resolved = file === ':memory:' ? file : path.resolve(file);
process.chdir(path.join(import.meta.dirname, '..'));

function operatorAccount(): string {
  try {
    return os.userInfo().username;
  } catch {
    // No passwd entry for this uid (some containers).
    return process.env.USER ?? `uid ${process.getuid?.() ?? 'unknown'}`;
  }
}

/** One line from stdin, whether or not it is a terminal (tests pipe "n"); end of input is no answer. */
let pendingLines: AsyncIterator<string> | null = null;
async function readAnswer(question: string): Promise<string> {
  process.stdout.write(question);
  pendingLines ??= createInterface({ input: process.stdin, terminal: false })[Symbol.asyncIterator]();
  const next = await pendingLines.next();
  // Typed on a terminal, the answer and its newline are on screen already; piped in, they are not.
  if (next.done || !process.stdin.isTTY) process.stdout.write('\n');
  return next.done ? '' : next.value;
}

const io: AdminIo = {
  out: (line) => console.log(line),
  err: (line) => console.error(line),
  confirm: async (question) => /^\s*y(es)?\s*$/i.test(await readAnswer(question)),
};

const code = await runAdminCommand({
  argv: process.argv.slice(2),
  io,
  operator: { osUser: operatorAccount(), host: os.hostname() },
  openCtx: () => {
    // On PostgreSQL: the pool DATABASE_URL names (the server migrated it).
    if (engineOf() === 'postgres') return { db: getAsyncDb(), now: new Date() };
    // Never create an empty database by mistake: that is not the server's, and the change
    // would land nowhere anyone looks.
    if (resolved !== ':memory:' && !fs.existsSync(resolved)) {
      throw new Error(
        `No database at ${resolved}. Run this on the server host, in the project folder, with the DATABASE_URL the server uses.`,
      );
    }
    return { db: openAsyncDatabase(resolved), now: new Date() };
  },
});
process.exit(code);
