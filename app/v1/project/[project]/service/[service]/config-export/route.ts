import { apiRoute } from '@/lib/api/handler';
import { projectOfCall } from '@/lib/api/project';
import { configExportResponse, exportServiceConfig, parseConfigExportQuery } from '@/lib/services/config-export';
import { getService, mayChangeService } from '@/lib/services/manage';

export const { GET, POST, PUT, PATCH, DELETE } = apiRoute('/v1/project/{project}/service/{service}/config-export', {
  // GET /v1/project/{project}/service/{service}/config-export?format=kafka-properties|opensearch-security-yaml[&kafka_version=3.9|4]:
  // a text file; the OpenSearch signing key only for those who may change the service, as in GET .../service/{service}.
  GET: async (call) => {
    const access = await projectOfCall(call);
    const service = await getService({ ctx: call.ctx, access, name: call.params.service });
    const query = parseConfigExportQuery(new URL(call.request.url).searchParams);
    return configExportResponse(exportServiceConfig(service, query, { revealSecrets: mayChangeService({ principal: call.principal, access }) }));
  },
});
