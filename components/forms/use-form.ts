'use client';

import { useReducer, useState } from 'react';
import { createFormControl, type DefaultValues, type FieldValues, type FormControl, type FormState, type Validator } from '@/lib/forms/form-control';

/** The form of a component: lib/forms/form-control.ts, with the state of this render. */
export type UseFormReturn<Input extends FieldValues, Output> = Omit<FormControl<Input, Output>, 'formState'> & { formState: FormState<Input> };

/**
 * A form in a component (lib/forms/form-control.ts says its rules): the component renders again
 * whenever its values, messages or submission state change.
 */
export function useForm<Input extends FieldValues, Output>(options: { defaultValues: DefaultValues<Input>; validate: Validator<Input, Output> }): UseFormReturn<Input, Output> {
  const [, update] = useReducer((n: number) => n + 1, 0);
  const [control] = useState(() => createFormControl({ ...options, onUpdate: update }));
  return { ...control, formState: control.formState() };
}
