import type { Ctx } from '@/lib/context';
import { runAdminCommand } from './cli';

// For the tests (kept here, beside the CLI, as nothing outside lib/operator may import it):
// `npm run admin` as the tests run it: the command line's flow with a fake terminal that records
// what was printed and asked, and answers the confirmation with `answer` (null: must not ask).

export async function runAdmin(ctx: Ctx | null, argv: string[], answer: boolean | null = null) {
  const out: string[] = [];
  const err: string[] = [];
  const questions: string[] = [];
  let opened = 0;
  const code = await runAdminCommand({
    argv,
    operator: { osUser: 'ops', host: 'host-1' },
    io: {
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      confirm: async (question) => {
        questions.push(question);
        if (answer === null) throw new Error('asked for confirmation unexpectedly');
        return answer;
      },
    },
    openCtx: () => {
      opened++;
      if (!ctx) throw new Error('No database at /nowhere/portcullis.db. Run this on the server host.');
      return ctx;
    },
    clock: () => new Date('2026-03-01T12:05:00Z'),
  });
  return { code, out: out.join('\n'), err: err.join('\n'), questions, opened };
}
