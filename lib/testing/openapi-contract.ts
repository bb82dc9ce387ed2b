import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { matchApiRoute } from '@/lib/http/routes';

// The contract check of the API tests (e2e/support/fixtures.ts): every JSON answer of /v1 must
// be what the OpenAPI document (GET /v1/openapi.json) says for its path, method and status.
// The document's schemas are JSON Schema 2020-12 (OpenAPI 3.1), which Ajv2020 reads as they are.

type Json = Record<string, unknown>;
type Doc = { paths: Record<string, Record<string, Json>>; components?: { responses?: Record<string, Json> } };

const DOC_ID = 'openapi.json';
/** A JSON pointer segment: "~" and "/" escaped. */
const pointer = (segment: string) => segment.replaceAll('~', '~0').replaceAll('/', '~1');

/** Checks one answer against the document; returns null when it conforms, else why not. */
export type ContractCheck = (answer: { method: string; pathname: string; status: number; contentType: string | null; body: unknown }) => string | null;

export function openApiContract(document: unknown): ContractCheck {
  const doc = document as Doc;
  // strict: false, for the document's own keywords around the schemas (openapi, paths, x-token-scope...).
  const ajv = new Ajv2020({ strict: false, allErrors: true });
  addFormats.default(ajv);
  ajv.addSchema(document as object, DOC_ID);
  const compiled = new Map<string, ValidateFunction>();
  const validatorAt = (path: string) => {
    let validate = compiled.get(path);
    if (!validate) {
      validate = ajv.compile({ $ref: `${DOC_ID}#${path}` });
      compiled.set(path, validate);
    }
    return validate;
  };
  const errorBody = '/components/schemas/Error';

  return ({ method, pathname, status, contentType, body }) => {
    if (!contentType || !/^application\/json\b/.test(contentType)) return null;
    const where = `${method} ${pathname} → ${status}`;
    const match = matchApiRoute(pathname);
    const exact = match && (match.rest.length === 0 || (match.rest.length === 1 && match.rest[0] === ''));
    const operation = exact ? doc.paths[match.pattern]?.[method.toLowerCase()] : undefined;
    let schemaPath: string;
    if (!operation) {
      // A path or method the document does not describe (404 and 405 answers): the error body.
      if (status < 400) return `${where}: answered ${status} where the document describes no operation`;
      schemaPath = errorBody;
    } else {
      const responses = operation.responses as Record<string, Json>;
      const key = Object.hasOwn(responses, String(status)) ? String(status) : Object.hasOwn(responses, 'default') ? 'default' : null;
      if (key === null) return `${where}: status ${status} is not described`;
      let response = responses[key]!;
      let responsePath = `/paths/${pointer(match!.pattern)}/${method.toLowerCase()}/responses/${key}`;
      const ref = response.$ref;
      if (typeof ref === 'string') {
        responsePath = ref.slice(1);
        response = doc.components?.responses?.[ref.split('/').at(-1)!] ?? {};
      }
      const content = response.content as Record<string, Json> | undefined;
      if (!content?.['application/json']) return `${where}: answered JSON where the document describes no JSON body`;
      schemaPath = `${responsePath}/content/application~1json/schema`;
    }
    const validate = validatorAt(schemaPath);
    if (validate(body)) return null;
    return `${where}: the body does not match the API description (${schemaPath}): ${ajv.errorsText(validate.errors, { dataVar: 'body' })}`;
  };
}
