import { buildOpenApiDocument } from './openapi.ts';
import { httpHandler } from './platform/http/handler.ts';
import { platformRoutes as routes } from './platform/routes.ts';

// Built once per cold start: the document only changes with a deploy.
const document = buildOpenApiDocument();

export const handler = httpHandler(routes.getOpenApi, async () => ({ status: 200, body: document }));
