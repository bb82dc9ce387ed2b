import type { ReactNode } from 'react';

// The schemas of the OpenAPI document as the API reference page shows them: a table of fields,
// nested objects inline, named schemas as links to their own section. Server components only:
// the page sends no script of its own.

export type JsonSchema = {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  enum?: unknown[];
  const?: unknown;
  description?: string;
  additionalProperties?: JsonSchema | boolean;
  default?: unknown;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
};

export const refName = (ref: string) => ref.split('/').at(-1)!;
export const schemaAnchor = (name: string) => `schema-${name}`;

const isObject = (schema: JsonSchema) => schema.properties !== undefined && Object.keys(schema.properties).length > 0;

/** A one-line type: `string`, `integer or null`, `array of Token`, `"a" | "b"`. */
export function TypeLabel({ schema }: { schema: JsonSchema }): ReactNode {
  if (schema.$ref) {
    const name = refName(schema.$ref);
    return (
      <a href={`#${schemaAnchor(name)}`} className="font-medium text-brand-700 hover:underline">
        {name}
      </a>
    );
  }
  const alternatives = schema.anyOf ?? schema.oneOf;
  if (alternatives) {
    return alternatives.map((alternative, index) => (
      <span key={index}>
        {index > 0 ? ' or ' : null}
        <TypeLabel schema={alternative} />
      </span>
    ));
  }
  if (schema.const !== undefined) return <code>{JSON.stringify(schema.const)}</code>;
  if (schema.enum) return <code>{schema.enum.map((value) => JSON.stringify(value)).join(' | ')}</code>;
  const type = Array.isArray(schema.type) ? schema.type.join(' or ') : schema.type;
  if (type === 'array') {
    return (
      <>
        array of {schema.items ? <TypeLabel schema={schema.items} /> : 'anything'}
      </>
    );
  }
  if (type === 'object' && !isObject(schema) && typeof schema.additionalProperties === 'object') {
    const values = schema.additionalProperties;
    return Object.keys(values).length === 0 ? (
      'object'
    ) : (
      <>
        map of string to <TypeLabel schema={values} />
      </>
    );
  }
  return type ?? 'any';
}

/** Limits and defaults, in words. */
function constraints(schema: JsonSchema): string[] {
  const out: string[] = [];
  if (schema.minLength !== undefined || schema.maxLength !== undefined) out.push(`${schema.minLength ?? 0}–${schema.maxLength ?? '∞'} characters`);
  if (schema.minimum !== undefined || schema.maximum !== undefined) out.push(`${schema.minimum ?? '−∞'} to ${schema.maximum ?? '∞'}`);
  if (schema.maxItems !== undefined) out.push(`at most ${schema.maxItems} items`);
  if (schema.format) out.push(`format ${schema.format}`);
  if (schema.pattern) out.push(`pattern ${schema.pattern}`);
  if (schema.default !== undefined) out.push(`default ${JSON.stringify(schema.default)}`);
  return out;
}

/** What to show inside a field's row: an inline object's own fields (or its items'). */
function nested(schema: JsonSchema): JsonSchema | null {
  if (isObject(schema)) return schema;
  if (schema.items && isObject(schema.items)) return schema.items;
  const alternative = (schema.anyOf ?? schema.oneOf)?.find(isObject);
  return alternative ?? null;
}

/** An object's fields as a table; anything else as its type. */
export function SchemaView({ schema }: { schema: JsonSchema }) {
  if (!isObject(schema)) {
    return (
      <p className="text-sm text-slate-700">
        <TypeLabel schema={schema} />
        {schema.description ? <span className="text-slate-500"> · {schema.description}</span> : null}
      </p>
    );
  }
  const required = new Set(schema.required ?? []);
  return (
    <table className="w-full text-left text-sm">
      <thead className="text-xs uppercase tracking-wide text-slate-500">
        <tr>
          <th className="py-1 pr-4 font-semibold">Field</th>
          <th className="py-1 pr-4 font-semibold">Type</th>
          <th className="py-1 font-semibold">Description</th>
        </tr>
      </thead>
      <tbody className="divide-y divide-slate-100 align-top">
        {Object.entries(schema.properties!).map(([name, field]) => {
          const inner = nested(field);
          const limits = constraints(field);
          return (
            <tr key={name}>
              <td className="py-1.5 pr-4">
                <code className="font-mono text-slate-900">{name}</code>
                {required.has(name) ? <span className="text-xs text-rose-700"> required</span> : null}
              </td>
              <td className="py-1.5 pr-4 text-slate-700">
                <TypeLabel schema={field} />
              </td>
              <td className="py-1.5 text-slate-600">
                {field.description}
                {limits.length > 0 ? <span className="block text-xs text-slate-500">{limits.join(' · ')}</span> : null}
                {inner ? (
                  <div className="mt-1 border-l-2 border-slate-200 pl-3">
                    <SchemaView schema={inner} />
                  </div>
                ) : null}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
