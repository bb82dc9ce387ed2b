import type { OperatorMeta } from '@/lib/audit/record';
import type { Ctx } from '@/lib/context';

/** What an operator command is given: the database, who runs it on which host, and what was typed. */
export type OperatorCall<I = unknown> = { ctx: Ctx; operator: OperatorMeta; input: I };

/**
 * What a command would do, shown before the operator confirms: `question` is what to confirm,
 * null when there is nothing to do (the lines say why). A preview changes nothing.
 */
export type OperatorPreview = { lines: string[]; question: string | null };

/**
 * What a command did: `changed` is false when, by the time it ran, there was nothing to do;
 * `failed` when it ran and did not succeed (the lines say why; the command exits 1).
 */
export type OperatorOutcome = { changed: boolean; failed?: boolean; lines: string[] };
