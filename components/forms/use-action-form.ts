'use client';

import { useRouter } from 'next/navigation';
import { useState } from 'react';
import { useForm, type DefaultValues, type FieldValues, type Path, type UseFormReturn } from 'react-hook-form';
import type { z } from 'zod';
import type { ActionResult } from '@/app/_lib/action';
import { formFailure, type FieldMap } from '@/lib/forms/failure';
import { lazyZodResolver } from './lazy-zod-resolver';
import { errorMessage, type ActionMessage, type SuccessOutcome } from './use-action';

/**
 * The form's one zod schema (the one its server action and the /v1 handler parse with), as a
 * function around a dynamic import so that zod loads after the page (see lazy-zod-resolver.ts):
 * `() => import('@/lib/x/schema').then((m) => m.xSchema)`.
 */
export type SchemaLoader<Input extends FieldValues, Output> = () => Promise<z.ZodType<Output, Input>>;

export type SuccessContext<Input extends FieldValues, Output> = {
  values: Output;
  form: UseFormReturn<Input, unknown, Output>;
  router: ReturnType<typeof useRouter>;
};

export type ActionFormOptions<Input extends FieldValues, Output, T> = {
  defaultValues: NoInfer<DefaultValues<Input>>;
  /** The fields that show the server's field messages (default: every key it names). */
  fields?: NoInfer<FieldMap<Path<Input>>>;
  /**
   * 'always': the refusal's message shows above the form beside the field messages (the
   * default); 'unless-field': only when no field shows one.
   */
  message?: 'always' | 'unless-field';
  /**
   * Called on success with the action's data, the submitted values, the form and the router; a
   * string it returns is shown as the notice, `false` says it has navigated away (no refresh).
   */
  onSuccess?: (data: T, context: SuccessContext<Input, Output>) => SuccessOutcome | Promise<SuccessOutcome>;
  /** A refusal to show before the first submit (one that came back to the page in its address). */
  initialError?: string | null;
  /** Called on a refusal, after the messages are set. */
  onError?: () => void;
  /** Empty the form after success (form.reset() to the default values). */
  reset?: boolean;
  /** router.refresh() after success (default true). */
  refresh?: boolean;
};

/**
 * A react-hook-form form that submits to a server action: the schema's resolver, pending state
 * (formState.isSubmitting), the refusal's field messages beside their fields and its message
 * above the form, the success notice, form reset and router.refresh(). The form renders its own
 * fields and alerts from `form`, `error` and `notice`.
 */
export function useActionForm<Input extends FieldValues, Output, T>(
  schema: SchemaLoader<Input, Output>,
  action: (values: NoInfer<Output>) => Promise<ActionResult<T>>,
  options: ActionFormOptions<Input, Output, T>,
) {
  const router = useRouter();
  const [resolver] = useState(() => lazyZodResolver(schema));
  const form = useForm<Input, unknown, Output>({ resolver, defaultValues: options.defaultValues });
  const [message, setMessage] = useState<ActionMessage | null>(() => errorMessage(options.initialError));

  const onSubmit = form.handleSubmit(async (values) => {
    setMessage(null);
    const result = await action(values);
    if (!result.ok) {
      const shown = formFailure(result, { fields: options.fields, message: options.message ?? 'always' });
      for (const [name, text] of shown.fieldMessages) form.setError(name, { message: text });
      if (shown.message !== null) setMessage({ tone: 'error', text: shown.message });
      options.onError?.();
      return;
    }
    const outcome = await options.onSuccess?.(result.data, { values, form, router });
    if (typeof outcome === 'string') setMessage({ tone: 'info', text: outcome });
    if (options.reset) form.reset();
    if (outcome !== false && options.refresh !== false) router.refresh();
  });

  /** A registered field's props with its message: `<Field label="Name" {...field('name')} />`. */
  const field = (name: Path<Input>) => ({ ...form.register(name), error: form.getFieldState(name, form.formState).error?.message });

  return {
    form,
    field,
    onSubmit,
    errors: form.formState.errors,
    pending: form.formState.isSubmitting,
    message,
    setMessage,
    error: message?.tone === 'error' ? message.text : null,
    notice: message?.tone === 'info' ? message.text : null,
  };
}
