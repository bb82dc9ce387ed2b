import { describe, expect, it } from 'vitest';
import { failureText, formFailure, type ActionFailure } from './failure';

const failure = (message: string, fieldErrors: Record<string, string[]> = {}): ActionFailure => ({ ok: false, message, fieldErrors });

describe('formFailure', () => {
  const cases: {
    name: string;
    input: ActionFailure;
    fields?: readonly ('name' | 'email' | readonly ['name', ...string[]])[];
    message: 'always' | 'unless-field';
    want: { fieldMessages: [string, string][]; message: string | null };
  }[] = [
    {
      name: 'a field the form has: beside it, no message above when the field says it',
      input: failure('Check the highlighted fields', { name: ['Too long', 'Second'] }),
      fields: ['name'],
      message: 'unless-field',
      want: { fieldMessages: [['name', 'Too long']], message: null },
    },
    {
      name: 'the same with the message above as well',
      input: failure('Check the highlighted fields', { name: ['Too long'] }),
      fields: ['name'],
      message: 'always',
      want: { fieldMessages: [['name', 'Too long']], message: 'Check the highlighted fields' },
    },
    {
      name: 'a key the form has no field for: the message above, nothing beside a field',
      input: failure('Project not found', { project: ['Project not found'] }),
      fields: ['name'],
      message: 'unless-field',
      want: { fieldMessages: [], message: 'Project not found' },
    },
    {
      name: 'no field errors at all: the message',
      input: failure('Something went wrong on our side. The error has been logged.'),
      fields: ['name', 'email'],
      message: 'unless-field',
      want: { fieldMessages: [], message: 'Something went wrong on our side. The error has been logged.' },
    },
    {
      name: 'an alias lands on its field; the field’s own key wins',
      input: failure('Unit "A" already exists in this organization', { account_name: ['Unit "A" already exists'] }),
      fields: [['name', 'account_name']],
      message: 'unless-field',
      want: { fieldMessages: [['name', 'Unit "A" already exists']], message: null },
    },
    {
      name: 'own key before alias',
      input: failure('x', { account_name: ['alias'], name: ['own'] }),
      fields: [['name', 'account_name']],
      message: 'unless-field',
      want: { fieldMessages: [['name', 'own']], message: null },
    },
    {
      name: 'no field list: every key the server names, dotted paths included',
      input: failure('Check the highlighted fields', { description: ['Required'], 'ip_allowlist.1': ['Not an address'] }),
      message: 'always',
      want: {
        fieldMessages: [
          ['description', 'Required'],
          ['ip_allowlist.1', 'Not an address'],
        ],
        message: 'Check the highlighted fields',
      },
    },
    {
      name: 'an empty message list is no message',
      input: failure('Nope', { name: [] }),
      fields: ['name'],
      message: 'unless-field',
      want: { fieldMessages: [], message: 'Nope' },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(formFailure(c.input, { fields: c.fields, message: c.message })).toEqual(c.want);
    });
  }
});

describe('failureText', () => {
  it('takes the first named field that has a message', () => {
    expect(failureText(failure('m', { account_name: ['taken'] }), ['name', 'account_name'])).toBe('taken');
    expect(failureText(failure('m', { name: ['short'], account_name: ['taken'] }), ['name', 'account_name'])).toBe('short');
  });
  it('falls back to the message', () => {
    expect(failureText(failure('Unit not found', { unit_id: ['Unit not found'] }), ['name'])).toBe('Unit not found');
    expect(failureText(failure('Unit not found'))).toBe('Unit not found');
  });
});
