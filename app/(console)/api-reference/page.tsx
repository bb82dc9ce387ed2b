import type { Metadata } from 'next';
import { requireConsole } from '@/app/_lib/session';
import { MethodBadge, OperationView, type Operation, type Response } from '@/components/api-reference/operation-view';
import { schemaAnchor, SchemaView, type JsonSchema } from '@/components/api-reference/schema-view';
import { PageHeader } from '@/components/ui/page-header';
import { openApiDocument } from '@/lib/api/openapi/document';
import { publicBaseUrl } from '@/lib/http/public-url';

export const metadata: Metadata = { title: 'API reference · Portcullis' };

// The OpenAPI document of GET /v1/openapi.json, drawn on the server: operations by tag, their
// parameters, bodies, answers and token scopes, then the named schemas. No script of its own.

type Item = { method: string; path: string; operation: Operation };

export default async function ApiReferencePage() {
  await requireConsole(true);
  const doc = openApiDocument() as unknown as {
    info: { description?: string };
    tags?: { name: string }[];
    paths: Record<string, Record<string, Operation>>;
    components: { schemas: Record<string, JsonSchema>; responses: Record<string, Response> };
  };
  const items: Item[] = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
  );
  const tags = (doc.tags ?? []).map(({ name }) => ({ name, items: items.filter((item) => item.operation.tags?.[0] === name) })).filter((tag) => tag.items.length > 0);
  const baseUrl = publicBaseUrl();

  return (
    <div className="max-w-5xl space-y-10">
      <PageHeader title="API reference">
        Every <code>/v1</code> route of this server. The same description as OpenAPI 3.1:{' '}
        <a href="/v1/openapi.json" className="text-brand-700 hover:underline">
          /v1/openapi.json
        </a>
        .
      </PageHeader>

      <section className="space-y-2 text-sm text-slate-700">
        <p>{doc.info.description}</p>
        <p>
          Base URL <code>{baseUrl}</code>. Send a token as <code>Authorization: aivenv1 &lt;token&gt;</code> (what avn sends) or{' '}
          <code>Authorization: Bearer &lt;token&gt;</code>. Every error answers with the{' '}
          <a href={`#${schemaAnchor('Error')}`} className="text-brand-700 hover:underline">
            Error
          </a>{' '}
          body.
        </p>
      </section>

      <nav aria-label="Operations" className="grid gap-x-8 gap-y-4 sm:grid-cols-2">
        {tags.map((tag) => (
          <div key={tag.name}>
            <a href={`#tag-${tag.name.replaceAll(' ', '-')}`} className="text-sm font-semibold text-slate-900 hover:underline">
              {tag.name}
            </a>
            <ul className="mt-1 space-y-0.5">
              {tag.items.map(({ method, path, operation }) => (
                <li key={operation.operationId} className="flex items-center gap-2 text-xs">
                  <MethodBadge method={method} />
                  <a href={`#${operation.operationId}`} className="truncate font-mono text-slate-700 hover:underline">
                    {path}
                  </a>
                </li>
              ))}
            </ul>
          </div>
        ))}
      </nav>

      {tags.map((tag) => (
        <section key={tag.name} id={`tag-${tag.name.replaceAll(' ', '-')}`} className="space-y-4">
          <h2 className="text-lg font-semibold">{tag.name}</h2>
          {tag.items.map(({ method, path, operation }) => (
            <OperationView
              key={operation.operationId}
              method={method}
              path={path}
              operation={operation}
              components={doc.components.schemas}
              responses={doc.components.responses}
            />
          ))}
        </section>
      ))}

      <section className="space-y-4">
        <h2 className="text-lg font-semibold">Schemas</h2>
        {Object.entries(doc.components.schemas).map(([name, schema]) => (
          <article key={name} id={schemaAnchor(name)} aria-label={`Schema ${name}`} className="space-y-2 rounded-xl border border-slate-200 bg-white p-5">
            <h3 className="font-mono text-sm font-semibold">{name}</h3>
            {schema.description ? <p className="text-sm text-slate-600">{schema.description}</p> : null}
            <SchemaView schema={schema} />
          </article>
        ))}
      </section>
    </div>
  );
}
