'use client';

import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import type { ActionResult } from '@/app/_lib/action';
import { failureText, type ActionFailure } from '@/lib/forms/failure';

/** What a form or control shows after an action: a refusal (error) or a success notice (info). */
export type ActionMessage = { tone: 'error' | 'info'; text: string };

export const errorMessage = (text: string | null | undefined): ActionMessage | null => (text ? { tone: 'error', text } : null);

/** What onSuccess may return: a notice to show, false when it navigated away, or nothing. */
export type SuccessOutcome = string | false | void;

export type RunOptions<T> = {
  /** Runs once the answer is in, whatever it is (closes a confirmation dialog). */
  settled?: () => void;
  /** Keys whose field message is shown instead of the action's message (the first found). */
  fields?: readonly string[];
  /** The line shown for a refusal, when the default (`fields`, then the message) does not fit. */
  errorText?: (failure: ActionFailure) => string;
  /** Called on a refusal after its message is set. */
  onError?: (failure: ActionFailure, text: string) => void;
  /**
   * Called on success; a string it returns is shown as the notice, and `false` says it has
   * navigated away (no refresh).
   */
  onSuccess?: (data: T) => SuccessOutcome | Promise<SuccessOutcome>;
  /** router.refresh() after success (true, the default), never (false), or after any answer ('always'). */
  refresh?: boolean | 'always';
};

/**
 * A control that runs server actions (a button, a confirmation, a small inline form): pending
 * state in a transition, the refusal's message or the success notice, then router.refresh().
 * Forms with fields use useActionForm, which adds the field errors.
 */
export function useAction({ initialError = null }: { initialError?: string | null } = {}) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<ActionMessage | null>(() => errorMessage(initialError));

  const run = <T>(action: () => Promise<ActionResult<T>>, options: RunOptions<T> = {}) =>
    startTransition(async () => {
      setMessage(null);
      const result = await action();
      options.settled?.();
      if (!result.ok) {
        const text = options.errorText ? options.errorText(result) : failureText(result, options.fields);
        setMessage({ tone: 'error', text });
        options.onError?.(result, text);
        if (options.refresh === 'always') router.refresh();
        return;
      }
      const outcome = await options.onSuccess?.(result.data);
      if (typeof outcome === 'string') setMessage({ tone: 'info', text: outcome });
      if (outcome !== false && options.refresh !== false) router.refresh();
    });

  return {
    run,
    pending,
    message,
    setMessage,
    error: message?.tone === 'error' ? message.text : null,
    notice: message?.tone === 'info' ? message.text : null,
    /** Clears the message (a dialog opened again starts clean). */
    clear: () => setMessage(null),
    router,
  };
}
