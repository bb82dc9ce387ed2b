import { cn } from '@/components/ui/cn';
import { ACCESS_PARAGRAPH } from '@/lib/api/openapi/document';
import { refName, schemaAnchor, SchemaView, TypeLabel, type JsonSchema } from './schema-view';

// One operation of the OpenAPI document on the API reference page: method and path, summary,
// description, token scope, parameters, request body and answers. A server component.

type Content = Record<string, { schema?: JsonSchema }>;
export type Response = { $ref?: string; description?: string; content?: Content };
export type Operation = {
  operationId: string;
  summary?: string;
  description?: string;
  tags?: string[];
  security?: unknown[];
  'x-token-scope'?: string | null;
  parameters?: { name: string; in: string; required?: boolean; description?: string; schema?: JsonSchema }[];
  requestBody?: { content?: Content };
  responses: Record<string, Response>;
};

const METHOD_COLOURS: Record<string, string> = {
  GET: 'bg-sky-100 text-sky-800',
  POST: 'bg-emerald-100 text-emerald-800',
  PUT: 'bg-amber-100 text-amber-800',
  PATCH: 'bg-violet-100 text-violet-800',
  DELETE: 'bg-rose-100 text-rose-800',
};

/** Text with `backticks` as code, the way the document's descriptions write names. */
function InlineCode({ text }: { text: string }) {
  return text.split('`').map((part, index) => (index % 2 === 1 ? <code key={index}>{part}</code> : part));
}

export function MethodBadge({ method }: { method: string }) {
  return <span className={cn('inline-block w-16 rounded px-1.5 py-0.5 text-center font-mono text-xs font-semibold', METHOD_COLOURS[method])}>{method}</span>;
}

/** A body: its media types, each schema as a table (a named schema's own fields, with its name linked). */
function BodyView({ content, components }: { content: Content; components: Record<string, JsonSchema> }) {
  return Object.entries(content).map(([mediaType, { schema }]) => {
    const named = schema?.$ref ? refName(schema.$ref) : null;
    const shown = named ? components[named] : schema;
    return (
      <div key={mediaType} className="space-y-1">
        <p className="text-xs text-slate-500">
          <code>{mediaType}</code>
          {named ? (
            <>
              {' · '}
              <TypeLabel schema={schema!} />
            </>
          ) : null}
        </p>
        {shown ? <SchemaView schema={shown} /> : null}
      </div>
    );
  });
}

export function OperationView({
  method,
  path,
  operation,
  components,
  responses,
}: {
  method: string;
  path: string;
  operation: Operation;
  components: Record<string, JsonSchema>;
  responses: Record<string, Response>;
}) {
  const parameters = operation.parameters ?? [];
  const scope = operation['x-token-scope'];
  const isPublic = operation.security?.length === 0;
  return (
    <article id={operation.operationId} aria-label={`${method} ${path}`} className="space-y-4 rounded-xl border border-slate-200 bg-white p-5">
      <header className="space-y-1">
        <h3 className="flex flex-wrap items-center gap-3">
          <MethodBadge method={method} />
          <code className="break-all font-mono text-sm font-semibold text-slate-900">{path}</code>
        </h3>
        {operation.summary ? <p className="text-sm font-medium text-slate-800">{operation.summary}</p> : null}
        <p className="text-xs text-slate-500">
          {isPublic ? 'Public: no token' : scope ? <>Token scope <code>{scope}</code></> : 'Any token'}
        </p>
        {(operation.description ?? '')
          .split('\n\n')
          .filter((paragraph) => paragraph && !ACCESS_PARAGRAPH.test(paragraph))
          .map((paragraph, index) => (
            <p key={index} className="text-sm text-slate-600">
              <InlineCode text={paragraph} />
            </p>
          ))}
      </header>

      {parameters.length > 0 ? (
        <section className="space-y-1">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Parameters</h4>
          <table className="w-full text-left text-sm">
            <tbody className="divide-y divide-slate-100 align-top">
              {parameters.map((parameter) => (
                <tr key={`${parameter.in}-${parameter.name}`}>
                  <td className="py-1.5 pr-4">
                    <code className="font-mono text-slate-900">{parameter.name}</code>
                    {parameter.required ? <span className="text-xs text-rose-700"> required</span> : null}
                  </td>
                  <td className="py-1.5 pr-4 text-xs text-slate-500">{parameter.in}</td>
                  <td className="py-1.5 pr-4 text-slate-700">{parameter.schema ? <TypeLabel schema={parameter.schema} /> : null}</td>
                  <td className="py-1.5 text-slate-600">{parameter.description ?? parameter.schema?.description}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      ) : null}

      {operation.requestBody?.content ? (
        <section className="space-y-1">
          <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Request body</h4>
          <BodyView content={operation.requestBody.content} components={components} />
        </section>
      ) : null}

      <section className="space-y-2">
        <h4 className="text-xs font-semibold uppercase tracking-wide text-slate-500">Responses</h4>
        {Object.entries(operation.responses).map(([status, given]) => {
          const name = given.$ref ? refName(given.$ref) : null;
          const response = name ? (responses[name] ?? {}) : given;
          const schema = response.content?.['application/json']?.schema;
          // The error answers share one body: named and linked, not repeated in every operation.
          if (name && schema) {
            return (
              <p key={status} className="text-sm text-slate-700">
                <code className="font-mono font-semibold">{status}</code> {response.description} · <TypeLabel schema={schema} />
              </p>
            );
          }
          return (
            <div key={status} className="space-y-1">
              <p className="text-sm text-slate-700">
                <code className="font-mono font-semibold">{status}</code> {response.description}
              </p>
              {response.content ? <BodyView content={response.content} components={components} /> : null}
            </div>
          );
        })}
      </section>
    </article>
  );
}
