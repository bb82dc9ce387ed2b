import type { FieldErrors } from '@/lib/errors';

/** What a server action answers when it refuses: one message and per-field messages (app/_lib/action.ts). */
export type ActionFailure = { ok: false; message: string; fieldErrors: FieldErrors };

/**
 * Which field of a form shows which server-side key's first message: a form field, or a form
 * field with the other keys that land on it (a unit's `name` also shows `account_name`, the key
 * the API's rules speak of).
 */
export type FieldMap<Name extends string> = readonly (Name | readonly [Name, ...string[]])[];

/**
 * How a form shows a refusal. `fields`: the fields it has (every key the server names when left
 * out). `message`: 'always' puts the message above the form beside the field messages;
 * 'unless-field' only when no field shows one (the form's own fields said it all).
 */
export function formFailure<Name extends string>(
  failure: ActionFailure,
  { fields, message }: { fields?: FieldMap<Name>; message: 'always' | 'unless-field' },
): { fieldMessages: [Name, string][]; message: string | null } {
  const fieldMessages: [Name, string][] = [];
  if (fields) {
    for (const entry of fields) {
      const [name, ...aliases] = typeof entry === 'string' ? [entry] : entry;
      const text = [name, ...aliases].map((key) => failure.fieldErrors[key]?.[0]).find((m) => m !== undefined);
      if (text !== undefined) fieldMessages.push([name as Name, text]);
    }
  } else {
    for (const [key, messages] of Object.entries(failure.fieldErrors)) {
      if (messages[0] !== undefined) fieldMessages.push([key as Name, messages[0]]);
    }
  }
  const shown = message === 'always' || fieldMessages.length === 0 ? failure.message : null;
  return { fieldMessages, message: shown };
}

/**
 * The one line a small control (a rename box, a button) shows for a refusal: the first of the
 * named fields' messages, else the action's message.
 */
export function failureText(failure: ActionFailure, fields: readonly string[] = []): string {
  for (const key of fields) {
    const text = failure.fieldErrors[key]?.[0];
    if (text !== undefined) return text;
  }
  return failure.message;
}
