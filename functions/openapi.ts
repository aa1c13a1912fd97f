import { OpenAPIRegistry, OpenApiGeneratorV3 } from '@asteasolutions/zod-to-openapi';
import { routeList } from './routes.ts';
import { Problem } from './schemas/common.ts';

/** Builds the OpenAPI 3 document from the route table and its zod schemas. */
export function buildOpenApiDocument() {
  const registry = new OpenAPIRegistry();
  const bearer = registry.registerComponent('securitySchemes', 'bearer', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
  });
  for (const r of routeList) {
    const problem = { description: 'Problem', content: { 'application/problem+json': { schema: Problem } } };
    registry.registerPath({
      operationId: r.id,
      method: r.method.toLowerCase() as 'get' | 'post' | 'put' | 'patch' | 'delete',
      path: r.path,
      summary: r.summary,
      ...(r.auth === 'public' ? {} : { security: [{ [bearer.name]: [] }] }),
      request: {
        ...(r.request?.params ? { params: r.request.params as never } : {}),
        ...(r.request?.query ? { query: r.request.query as never } : {}),
        ...(r.request?.body ? { body: { content: { 'application/json': { schema: r.request.body } } } } : {}),
      },
      responses: {
        [r.response.status]: {
          description: 'Success',
          ...(r.response.schema
            ? { content: { [r.response.contentType ?? 'application/json']: { schema: r.response.schema } } }
            : r.response.contentType === 'text/html'
              ? { content: { 'text/html': { schema: { type: 'string' } } } }
              : {}),
        },
        default: problem,
      },
    });
  }
  return new OpenApiGeneratorV3(registry.definitions).generateDocument({
    openapi: '3.0.3',
    info: { title: 'CSP partner platform API', version: '1.0.0' },
  });
}
