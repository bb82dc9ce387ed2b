// A form's values, errors and submission, for the console's forms: the part of react-hook-form
// they use (register, handleSubmit, setValue, watch, reset, setError, clearErrors,
// getFieldState), with its rules, in about 1.5 kB compressed where react-hook-form is 12 kB. A
// page's script carries its forms before the first paint, and a console page has about 20 kB for
// all of its own code (issue 18). No React and no DOM here: components/forms/use-form.ts binds it
// to a component, and the tests drive it with plain objects for inputs.
//
// The rules, as react-hook-form's with a resolver and its default modes:
// - Inputs are uncontrolled: register() gives the element its value when it mounts and reads the
//   element on each change (a checkbox is a boolean, a radio its value when checked, anything else
//   its text). A value the form has none for yet is read from the element when it mounts.
// - Nothing is validated before the first submit, except by setValue(..., { shouldValidate });
//   after it, a field is validated again on each change, and only that field's message changes.
// - Submit validates everything: with errors, the first registered field with one gets the focus;
//   without, the handler runs with the parsed values. Errors found at submit replace all others.
// - A message belongs to a field name, dotted for an object's key ("saml_field_mapping.email").
//   A message about an item of a list belongs to the list ("ip_allowlist.2" is "ip_allowlist"'s):
//   the console shows a list's messages under the list.

export type FieldValues = Record<string, unknown>;
export type FieldError = { message?: string };

type Key<T> = Extract<keyof T, string>;

/** A field's name: a key of the values, or "key.sub" for a key of an object among them. */
export type FieldPath<T> = {
  [K in Key<T>]: NonNullable<T[K]> extends readonly unknown[] ? K : NonNullable<T[K]> extends FieldValues ? K | `${K}.${Key<NonNullable<T[K]>>}` : K;
}[Key<T>];

/** The value of the field `P` of values `T`. */
export type FieldPathValue<T, P> = P extends `${infer A}.${infer B}`
  ? A extends Key<T>
    ? B extends Key<NonNullable<T[A]>>
      ? NonNullable<T[A]>[B]
      : never
    : never
  : P extends Key<T>
    ? T[P]
    : never;

/** Each field's message; '' holds one about the whole form. */
export type FieldErrors<T> = Partial<Record<FieldPath<T> | '', FieldError>>;

/** The values to start from: a field left out is read from its input when it mounts. */
export type DefaultValues<T> = { [K in keyof T]?: T[K] };

/** What a check of all the values answers: the parsed values, or a message per field. */
export type Validation<Output> = { ok: true; values: Output } | { ok: false; errors: Record<string, FieldError> };
export type Validator<Input, Output> = (values: Input) => Promise<Validation<Output>>;

/** The part of an <input>, <select> or <textarea> that the form reads and writes. */
export type FieldElement = { type?: string; value: string; checked?: boolean; focus?: () => void };
export type FieldChangeEvent = { target: FieldElement };

/** What register() gives an input: spread it on the element. */
export type RegisteredField = {
  name: string;
  ref: (element: FieldElement | null) => void | (() => void);
  onChange: (event: FieldChangeEvent) => void;
};

export type FormState<Input> = { errors: FieldErrors<Input>; isSubmitting: boolean; isSubmitted: boolean; isDirty: boolean };

export type FormControl<Input extends FieldValues, Output> = {
  register: (name: FieldPath<Input>, options?: { onChange?: (event: FieldChangeEvent) => void }) => RegisteredField;
  handleSubmit: (onValid: (values: Output) => unknown) => (event?: { preventDefault?: () => void }) => Promise<void>;
  setValue: <P extends FieldPath<Input>>(name: P, value: FieldPathValue<Input, P>, options?: { shouldDirty?: boolean; shouldValidate?: boolean }) => void;
  watch: {
    (): Input;
    <P extends FieldPath<Input>>(name: P): FieldPathValue<Input, P>;
  };
  getValues: () => Input;
  /** Back to the default values, or to `values`, which become the new defaults; messages and submission forgotten. */
  reset: (values?: DefaultValues<Input>) => void;
  /** A message for a field, or for a path inside one ("ip_allowlist.2", as the server names it). */
  setError: (name: string, error: FieldError) => void;
  clearErrors: (name?: FieldPath<Input>) => void;
  getFieldState: (name: FieldPath<Input>) => { error?: FieldError };
  formState: () => FormState<Input>;
};

/** The field a message about `path` belongs to: the path up to its first list index. */
export function fieldOfPath(path: readonly PropertyKey[]): string {
  const index = path.findIndex((segment) => typeof segment === 'number' || (typeof segment === 'string' && /^\d+$/.test(segment)));
  return (index === -1 ? path : path.slice(0, index)).map(String).join('.');
}

/** Each field's first message, from a validation's issues (zod's: a path and a message each). */
export function fieldErrorsOf(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Record<string, FieldError> {
  const errors: Record<string, FieldError> = {};
  for (const issue of issues) errors[fieldOfPath(issue.path)] ??= { message: issue.message };
  return errors;
}

function getPath(values: FieldValues, name: string): unknown {
  let value: unknown = values;
  for (const key of name.split('.')) value = value !== null && typeof value === 'object' ? (value as FieldValues)[key] : undefined;
  return value;
}

function setPath(values: FieldValues, name: string, value: unknown): void {
  const keys = name.split('.');
  let target = values;
  for (const key of keys.slice(0, -1)) {
    const next = target[key];
    target = (next !== null && typeof next === 'object' ? next : (target[key] = {})) as FieldValues;
  }
  target[keys.at(-1)!] = value;
}

function equal(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object' || Array.isArray(a) !== Array.isArray(b)) return false;
  const keysA = Object.keys(a);
  return keysA.length === Object.keys(b).length && keysA.every((key) => equal((a as FieldValues)[key], (b as FieldValues)[key]));
}

/** What an element holds: a checkbox's state, a checked radio's value (undefined for another radio), an input's text. */
function readElement(element: FieldElement): unknown {
  if (element.type === 'checkbox') return Boolean(element.checked);
  if (element.type === 'radio') return element.checked ? element.value : undefined;
  return element.value;
}

function writeElement(element: FieldElement, value: unknown): void {
  if (element.type === 'checkbox') element.checked = Boolean(value);
  else if (element.type === 'radio') element.checked = element.value === value;
  else {
    const text = value === undefined || value === null ? '' : String(value);
    // Writing the same text would still move a caret or break a composition in some browsers.
    if (element.value !== text) element.value = text;
  }
}

/**
 * A form over `defaultValues`, checked by `validate`; `onUpdate` is called whenever what a
 * render shows may have changed (values, messages, submission state).
 */
export function createFormControl<Input extends FieldValues, Output>({
  defaultValues,
  validate,
  onUpdate,
}: {
  defaultValues: DefaultValues<Input>;
  validate: Validator<Input, Output>;
  onUpdate: () => void;
}): FormControl<Input, Output> {
  let defaults = structuredClone(defaultValues) as FieldValues;
  let values = structuredClone(defaults);
  let errors: Record<string, FieldError> = {};
  let isSubmitting = false;
  let isSubmitted = false;
  // Each registered name's elements (a radio group has several), in the order they registered.
  const elements = new Map<string, Set<FieldElement>>();
  const handlers = new Map<string, RegisteredField>();
  const changeOptions = new Map<string, ((event: FieldChangeEvent) => void) | undefined>();

  const current = () => values as Input;

  async function validateField(name: string): Promise<void> {
    const result = await validate(current());
    const field = fieldOfPath(name.split('.'));
    const error = result.ok ? undefined : result.errors[field];
    if (error) errors = { ...errors, [field]: error };
    else if (field in errors) {
      errors = { ...errors };
      delete errors[field];
    }
    onUpdate();
  }

  const register: FormControl<Input, Output>['register'] = (name, options) => {
    changeOptions.set(name, options?.onChange);
    let registered = handlers.get(name);
    if (!registered) {
      // One ref and one handler per name, the same on every render: React calls a new ref again.
      registered = {
        name,
        ref: (element) => {
          if (!element) return;
          let set = elements.get(name);
          if (!set) elements.set(name, (set = new Set()));
          set.add(element);
          const value = getPath(values, name);
          if (value === undefined) {
            const read = readElement(element);
            if (read !== undefined) setPath(values, name, read);
          } else writeElement(element, value);
          return () => void set.delete(element);
        },
        onChange: (event) => {
          const value = readElement(event.target);
          if (value === undefined) return; // a radio that was unchecked: its group's checked one says
          setPath(values, name, value);
          changeOptions.get(name)?.(event);
          if (isSubmitted) void validateField(name);
          onUpdate();
        },
      };
      handlers.set(name, registered);
    }
    return registered;
  };

  const writeAll = () => {
    for (const [name, set] of elements) for (const element of set) writeElement(element, getPath(values, name));
  };

  return {
    register,
    handleSubmit: (onValid) => async (event) => {
      event?.preventDefault?.();
      isSubmitting = true;
      onUpdate();
      try {
        const result = await validate(current());
        if (result.ok) {
          errors = {};
          onUpdate();
          await onValid(result.values);
        } else {
          errors = result.errors;
          const first = [...elements].find(([name]) => errors[fieldOfPath(name.split('.'))]);
          first?.[1].values().next().value?.focus?.();
        }
      } finally {
        isSubmitting = false;
        isSubmitted = true;
        onUpdate();
      }
    },
    // shouldDirty is accepted for react-hook-form's sake: isDirty always compares with the defaults.
    setValue: (name, value, options = {}) => {
      setPath(values, name, value);
      for (const element of elements.get(name) ?? []) writeElement(element, value);
      if (options.shouldValidate) void validateField(name);
      onUpdate();
    },
    watch: ((name?: string) => (name === undefined ? { ...values } : getPath(values, name))) as FormControl<Input, Output>['watch'],
    getValues: () => ({ ...values }) as Input,
    reset: (next) => {
      if (next) defaults = structuredClone(next) as FieldValues;
      values = structuredClone(defaults);
      errors = {};
      isSubmitted = false;
      writeAll();
      onUpdate();
    },
    setError: (name, error) => {
      errors = { ...errors, [fieldOfPath(name.split('.'))]: error };
      onUpdate();
    },
    clearErrors: (name) => {
      if (name === undefined) errors = {};
      else {
        errors = { ...errors };
        delete errors[fieldOfPath(name.split('.'))];
      }
      onUpdate();
    },
    getFieldState: (name) => ({ error: errors[fieldOfPath(name.split('.'))] }),
    formState: () => ({ errors: errors as FieldErrors<Input>, isSubmitting, isSubmitted, isDirty: !equal(values, defaults) }),
  };
}
