import { apiRoute } from '@/lib/api/handler';
import { openApiDocument } from '@/lib/api/openapi/document';
import { publicBaseUrl } from '@/lib/http/public-url';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/openapi.json', {
  // GET /v1/openapi.json: the OpenAPI 3.1 description of /v1, public like upstream's.
  GET: async () => ({ ...openApiDocument(), servers: [{ url: publicBaseUrl() }] }),
});
