import { parseArgs } from 'node:util';
import type { OperatorMeta } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';
import { AppError } from '@/lib/errors';
import { operatorCommands, type OperatorCommand } from './commands';
import { formatOrganizations, listOrganizations } from './list';

// `npm run admin -- <command>`: argument parsing, confirmation and output, with the terminal
// passed in (scripts/admin.ts gives the real one, tests a fake), so the whole flow is tested
// without spawning a process. Exit codes: 0 done (or nothing to do), 1 refused, not found or
// not confirmed, 2 wrong usage.

export type AdminIo = {
  out: (line: string) => void;
  err: (line: string) => void;
  /** Asks a yes/no question on the terminal; anything but "y" or "yes" (or no answer) is no. */
  confirm: (question: string) => Promise<boolean>;
};

export type AdminRun = {
  argv: string[];
  io: AdminIo;
  operator: OperatorMeta;
  /** Opens the configured database; called only once the command line is valid. */
  openCtx: () => Ctx;
  /** The time of the change once confirmed (the operator may take a while to answer). */
  clock?: () => Date;
};

export const LIST_COMMAND = {
  name: 'list-organizations',
  summary: 'List every organization with its super admins, password sign-in switch and IP allowlist (--json for scripts).',
  example: 'npm run admin -- list-organizations',
};

export function helpText(): string {
  const usage = (c: Pick<OperatorCommand, 'name' | 'args'>) => [c.name, ...c.args.map((a) => `<${a}>`)].join(' ');
  const rows: [string, string, string][] = [
    [`${LIST_COMMAND.name} [--json]`, LIST_COMMAND.summary, LIST_COMMAND.example],
    ...operatorCommands.map((c): [string, string, string] => [usage(c), c.summary, c.example]),
  ];
  return [
    'Portcullis operator recovery: run on the server host, against the database the server uses',
    '(DATABASE_URL, default ./data/portcullis.db). The web server need not be running.',
    '',
    'Usage: npm run admin -- <command> [arguments] [--yes]',
    '',
    'Commands:',
    ...rows.flatMap(([u, summary, example]) => [`  ${u}`, `      ${summary}`, `      e.g. ${example}`]),
    '',
    'A <user> is an email address or a user id; an <organization> an organization id, account id or name;',
    'a <postgres-url> postgres://user:password@host:5432/database (or the password in PGPASSWORD).',
    'Each change is shown and asks "y" to confirm (--yes, -y: do not ask), and goes to the',
    'organization\'s audit log as done by "operator (server host)".',
  ].join('\n');
}

/** The terminal with each secret shown as ***. */
function maskedIo(io: AdminIo, secrets: string[]): AdminIo {
  const mask = (line: string) => secrets.reduce((text, secret) => text.replaceAll(secret, '***'), line);
  return { out: (line) => io.out(mask(line)), err: (line) => io.err(mask(line)), confirm: (question) => io.confirm(mask(question)) };
}

function usageError(io: AdminIo, message: string): number {
  io.err(`Error: ${message}`);
  io.err('Run "npm run admin -- --help" for the commands.');
  return 2;
}

/** Runs one command line; returns the exit code. Never throws: every failure is a message. */
export async function runAdminCommand({ argv, io, operator, openCtx, clock = () => new Date() }: AdminRun): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { yes: { type: 'boolean', short: 'y' }, help: { type: 'boolean', short: 'h' }, json: { type: 'boolean' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    // parseArgs's message names the unknown option ("Unknown option '--force'").
    return usageError(io, error instanceof Error ? error.message.split('\n')[0]! : 'bad command line');
  }
  const { values, positionals } = parsed;
  const [name, ...args] = positionals;
  if (values.help || name === 'help') {
    io.out(helpText());
    return 0;
  }
  if (!name) return usageError(io, 'name a command');

  try {
    if (name === LIST_COMMAND.name) {
      if (args.length > 0) return usageError(io, `${LIST_COMMAND.name} takes no arguments`);
      const list = await listOrganizations({ ctx: openCtx() });
      io.out(values.json ? JSON.stringify(list, null, 2) : formatOrganizations(list).join('\n'));
      return 0;
    }
    const command = operatorCommands.find((c) => c.name === name);
    if (!command) return usageError(io, `unknown command "${name}"`);
    if (values.json) return usageError(io, '--json is for list-organizations only');
    if (args.length !== command.args.length) {
      return usageError(io, `usage: ${[command.name, ...command.args.map((a) => `<${a}>`)].join(' ')} (e.g. ${command.example})`);
    }
    const input = Object.fromEntries(command.args.map((arg, i) => [arg, args[i]!]));
    // From here on, whatever is printed (errors included) passes through the command's mask.
    const secrets = command.secrets?.(input) ?? [];
    if (secrets.length > 0) io = maskedIo(io, secrets);

    const ctx = openCtx();
    const preview = await command.preview({ ctx, input });
    for (const line of preview.lines) io.out(line);
    if (preview.question === null) return 0;
    if (!values.yes && !(await io.confirm(`${preview.question} [y/N] `))) {
      io.err('Not confirmed: nothing changed.');
      return 1;
    }
    const outcome = await command.apply({ ctx: { ...ctx, now: clock() }, operator, input });
    for (const line of outcome.lines) (outcome.failed ? io.err : io.out)(line);
    return outcome.failed ? 1 : 0;
  } catch (error) {
    if (error instanceof AppError) {
      io.err(`Error: ${error.message}`);
      return 1;
    }
    // Never a stack trace on the operator's terminal: the message says what went wrong (a
    // database file that is not Portcullis's, a locked file, a PostgreSQL database that does not
    // exist, ...). The driver's own message, not drizzle's "Failed query" (the SQL and its values).
    io.err(`Error: ${driverMessage(error)}`);
    return 1;
  }
}

/** The innermost error's message: drizzle wraps the driver's error as `cause`. */
function driverMessage(error: unknown): string {
  let innermost = error;
  while (innermost instanceof Error && innermost.cause instanceof Error) innermost = innermost.cause;
  return innermost instanceof Error ? innermost.message : String(innermost);
}
