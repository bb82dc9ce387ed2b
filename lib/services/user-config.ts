import { z } from 'zod';
import { typesOf, USER_CONFIG_SCHEMAS, type JsonSchema, type ServiceType } from './user-config-schema';

// Zod validation built from the JSON Schema in user-config-schema.ts, so that the API, the server
// action and the form check exactly what GET .../service-types/{type} announces. Zod only: the
// Advanced configuration form uses it in the browser.
//
// Two modes: `patch` for a request's user_config (every key optional, null where the schema's
// type lists it, meaning "remove"), and `full` for the stored result after the merge (required
// keys present, no nulls).

type Mode = 'patch' | 'full';

/** A type error that says "required" when the key is missing (a required key in full mode). */
const typeError = (message: string) => (issue: { input?: unknown }) =>
  issue.input === undefined ? 'Required: set this option as well' : message;

function leafSchema(schema: JsonSchema): z.ZodType {
  const types = typesOf(schema).filter((t) => t !== 'null');
  const type = types[0];
  switch (type) {
    case 'string': {
      let s = z.string({ error: typeError('Enter text') });
      if (schema.minLength !== undefined) {
        s = s.min(schema.minLength, {
          error: schema.minLength === 1 ? 'Enter a value (or remove the option)' : `Use at least ${schema.minLength} characters`,
        });
      }
      if (schema.maxLength !== undefined) s = s.max(schema.maxLength, { error: `Use at most ${schema.maxLength} characters` });
      if (schema.pattern !== undefined) {
        const re = new RegExp(schema.pattern);
        s = s.regex(re, {
          error: re.test(' ') ? 'Use one line (no line breaks)' : 'Use one line that is not blank',
        });
      }
      if (schema.format === 'uri') {
        return s.refine(isHttpUrl, { error: 'Enter an http:// or https:// URL' });
      }
      return s;
    }
    case 'integer': {
      let n = z.number({ error: typeError('Enter a whole number') }).int({ error: 'Enter a whole number' });
      const range =
        schema.minimum !== undefined && schema.maximum !== undefined ? `from ${schema.minimum} to ${schema.maximum}` : undefined;
      if (schema.minimum !== undefined) n = n.min(schema.minimum, { error: `Enter a number ${range ?? `of at least ${schema.minimum}`}` });
      if (schema.maximum !== undefined) n = n.max(schema.maximum, { error: `Enter a number ${range ?? `of at most ${schema.maximum}`}` });
      return n;
    }
    case 'number':
      return z.number({ error: typeError('Enter a number') });
    case 'boolean':
      return z.boolean({ error: typeError('Use true or false') });
    default:
      throw new Error(`user_config schema type ${String(type)} has no validation`);
  }
}

function isHttpUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function nodeSchema(schema: JsonSchema, mode: Mode): z.ZodType {
  if (!typesOf(schema).includes('object')) return leafSchema(schema);
  const required = new Set(mode === 'full' ? (schema.required ?? []) : []);
  const shape: Record<string, z.ZodType> = {};
  for (const [name, child] of Object.entries(schema.properties ?? {})) {
    let s = nodeSchema(child, mode);
    if (mode === 'patch' && typesOf(child).includes('null')) s = s.nullable();
    shape[name] = required.has(name) ? s : s.optional();
  }
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `Unsupported option${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => `"${k}"`).join(', ')}`
        : issue.code === 'invalid_type'
          ? 'Expected an object'
          : undefined,
  });
}

const cache = new Map<string, z.ZodType>();

/** The zod schema of a service type's user_config, as a patch (a request) or in full (stored). */
export function userConfigSchema(serviceType: ServiceType, mode: Mode): z.ZodType<Record<string, unknown>> {
  const key = `${serviceType}:${mode}`;
  let schema = cache.get(key);
  if (!schema) {
    schema = nodeSchema(USER_CONFIG_SCHEMAS[serviceType], mode);
    cache.set(key, schema);
  }
  return schema as z.ZodType<Record<string, unknown>>;
}
