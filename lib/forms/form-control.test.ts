import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createFormControl, fieldErrorsOf, fieldOfPath, type FieldElement, type Validator } from './form-control';

const schema = z.object({
  name: z.string().trim().min(1, { error: 'Enter a name' }),
  enabled: z.boolean(),
  mode: z.enum(['a', 'b']),
  ip_allowlist: z.array(z.string().regex(/^\d/, { error: 'Not an address' })).max(2, { error: 'At most 2' }),
  mapping: z.object({ email: z.string().max(3, { error: 'Too long' }) }),
});
type Input = z.input<typeof schema>;
type Output = z.output<typeof schema>;

const defaults: Input = { name: 'x', enabled: true, mode: 'a', ip_allowlist: [], mapping: { email: '' } };

/** The form with zod's check, as components/forms/lazy-schema.ts makes it, counting renders and checks. */
function form(start: Partial<Input> = defaults) {
  const counts = { updates: 0, checks: 0 };
  const validate: Validator<Input, Output> = async (values) => {
    counts.checks++;
    const result = await schema.safeParseAsync(values);
    return result.success ? { ok: true, values: result.data } : { ok: false, errors: fieldErrorsOf(result.error.issues) };
  };
  const control = createFormControl<Input, Output>({ defaultValues: start, validate, onUpdate: () => counts.updates++ });
  return { control, counts };
}

/** An input as the form sees it; `focused` says whether the form gave it the focus. */
function element(type: string, value = '', checked = false): FieldElement & { focused: boolean } {
  const e = { type, value, checked, focused: false, focus: () => void (e.focused = true) };
  return e;
}

/** Mounts `e` as register(name) would on a rendered input. */
function mount(control: ReturnType<typeof form>['control'], name: Parameters<ReturnType<typeof form>['control']['register']>[0], e: FieldElement) {
  const field = control.register(name);
  field.ref(e);
  return field;
}

describe('fieldOfPath and fieldErrorsOf', () => {
  it.each([
    [['name'], 'name'],
    [['ip_allowlist', 2], 'ip_allowlist'],
    [['ip_allowlist', '2'], 'ip_allowlist'],
    [['mapping', 'email'], 'mapping.email'],
    [['tech_emails', 0, 'email'], 'tech_emails'],
    [[], ''],
  ])('%j belongs to %j', (path, field) => {
    expect(fieldOfPath(path)).toBe(field);
  });

  it('keeps each field’s first message', () => {
    expect(
      fieldErrorsOf([
        { path: ['ip_allowlist', 1], message: 'second entry' },
        { path: ['ip_allowlist'], message: 'the list' },
        { path: ['name'], message: 'name' },
      ]),
    ).toEqual({ ip_allowlist: { message: 'second entry' }, name: { message: 'name' } });
  });
});

describe('createFormControl', () => {
  it('gives each input its value when it mounts: text, checkbox, radio group, an object’s key', () => {
    const { control } = form({ ...defaults, name: 'Ada', mapping: { email: 'mail' } });
    const [text, box, radioA, radioB, email] = [element('text'), element('checkbox'), element('radio', 'a'), element('radio', 'b', true), element('text')];
    mount(control, 'name', text);
    mount(control, 'enabled', box);
    mount(control, 'mode', radioA);
    mount(control, 'mode', radioB);
    mount(control, 'mapping.email', email);
    expect([text.value, box.checked, radioA.checked, radioB.checked, email.value]).toEqual(['Ada', true, true, false, 'mail']);
  });

  it('reads a field it has no value for from its input when that mounts', () => {
    const { control } = form({ name: '' });
    mount(control, 'enabled', element('checkbox', '', true));
    mount(control, 'mode', element('radio', 'a'));
    mount(control, 'mode', element('radio', 'b', true));
    expect(control.getValues()).toEqual({ name: '', enabled: true, mode: 'b' });
  });

  it('reads each change, calls the field’s own handler after, and checks nothing before the first submit', () => {
    const { control, counts } = form();
    const seen: unknown[] = [];
    const name = element('text');
    control.register('name', { onChange: () => seen.push(control.watch('name')) }).ref(name);
    const box = element('checkbox', '', true);
    const boxField = mount(control, 'enabled', box);
    const radioB = element('radio', 'b');
    const modeField = mount(control, 'mode', radioB);

    name.value = '';
    control.register('name', { onChange: () => seen.push(control.watch('name')) }).onChange({ target: name });
    box.checked = false;
    boxField.onChange({ target: box });
    radioB.checked = true;
    modeField.onChange({ target: radioB });
    modeField.onChange({ target: element('radio', 'a', false) }); // the one unchecked says nothing

    expect(seen).toEqual(['']);
    expect(control.watch()).toEqual({ ...defaults, name: '', enabled: false, mode: 'b' });
    expect(control.formState().isDirty).toBe(true);
    expect(counts.checks).toBe(0);
    expect(control.formState().errors).toEqual({});
  });

  it('on a submit with errors: every field’s message, the focus on the first registered field with one, no handler', async () => {
    const { control } = form({ ...defaults, name: ' ', ip_allowlist: ['x'] });
    const [name, box] = [element('text'), element('checkbox')];
    mount(control, 'enabled', box);
    mount(control, 'name', name);
    const submitted: Output[] = [];
    await control.handleSubmit((values) => submitted.push(values))();
    expect(submitted).toEqual([]);
    expect(control.formState()).toEqual({
      errors: { name: { message: 'Enter a name' }, ip_allowlist: { message: 'Not an address' } },
      isSubmitting: false,
      isSubmitted: true,
      isDirty: false,
    });
    expect([box.focused, name.focused]).toEqual([false, true]);
  });

  it('on a valid submit: the parsed values to the handler, the earlier messages gone, submitting while it runs', async () => {
    const { control } = form({ ...defaults, name: '  Ada ' });
    control.setError('mode', { message: 'from the server' });
    const during: boolean[] = [];
    let received: Output | null = null;
    const prevent = { prevented: false, preventDefault: () => void (prevent.prevented = true) };
    await control.handleSubmit(async (values) => {
      during.push(control.formState().isSubmitting);
      received = values;
      control.setError('ip_allowlist.1', { message: 'refused' });
    })(prevent);
    expect(prevent.prevented).toBe(true);
    expect(received).toEqual({ ...defaults, name: 'Ada' });
    expect(during).toEqual([true]);
    expect(control.formState()).toEqual({ errors: { ip_allowlist: { message: 'refused' } }, isSubmitting: false, isSubmitted: true, isDirty: false });
  });

  it('after a submit, checks a changed field again and changes only its message', async () => {
    const { control } = form({ ...defaults, name: '', mapping: { email: 'long' } });
    const name = element('text');
    const field = mount(control, 'name', name);
    await control.handleSubmit(() => undefined)();
    control.setError('mode', { message: 'from the server' });
    name.value = 'Ada';
    field.onChange({ target: name });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(control.formState().errors).toEqual({ 'mapping.email': { message: 'Too long' }, mode: { message: 'from the server' } });
  });

  it('setValue writes the inputs, and checks the field when asked even before a submit', async () => {
    const { control, counts } = form();
    const name = element('text');
    mount(control, 'name', name);
    control.setValue('name', 'Grace');
    expect([name.value, counts.checks]).toEqual(['Grace', 0]);
    control.setValue('ip_allowlist', ['1.2.3.4', '5.6.7.8', '9.9.9.9'], { shouldValidate: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(control.formState().errors).toEqual({ ip_allowlist: { message: 'At most 2' } });
    control.setValue('ip_allowlist', ['1.2.3.4'], { shouldValidate: true });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(control.formState().errors).toEqual({});
  });

  it('reset(values) makes them the defaults; reset() goes back to the defaults; both forget messages and the submit', async () => {
    const { control } = form({ ...defaults, name: '' });
    const [name, box] = [element('text'), element('checkbox')];
    mount(control, 'name', name);
    mount(control, 'enabled', box);
    await control.handleSubmit(() => undefined)();
    control.reset({ ...defaults, name: 'Saved', enabled: false });
    expect([name.value, box.checked]).toEqual(['Saved', false]);
    expect(control.formState()).toEqual({ errors: {}, isSubmitting: false, isSubmitted: false, isDirty: false });
    control.setValue('name', 'Draft');
    expect(control.formState().isDirty).toBe(true);
    control.reset();
    expect([name.value, control.watch('name'), control.formState().isDirty]).toEqual(['Saved', 'Saved', false]);
  });

  it('setError files a message about a list’s entry under the list; clearErrors takes one or all away', () => {
    const { control } = form();
    control.setError('ip_allowlist.3', { message: 'bad' });
    control.setError('name', { message: 'taken' });
    expect(control.getFieldState('ip_allowlist')).toEqual({ error: { message: 'bad' } });
    control.clearErrors('name');
    expect(control.formState().errors).toEqual({ ip_allowlist: { message: 'bad' } });
    control.clearErrors();
    expect(control.formState().errors).toEqual({});
  });

  it('gives the same ref and handler to a name on every render, and forgets an input once it unmounts', () => {
    const { control } = form();
    const first = control.register('name');
    expect(control.register('name')).toBe(first);
    const name = element('text');
    const cleanup = first.ref(name);
    if (typeof cleanup === 'function') cleanup();
    control.setValue('name', 'after');
    expect(name.value).toBe('x');
  });
});
