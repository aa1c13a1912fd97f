import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { accessTokenVerifier, bearerToken } from '../../functions/platform/http/access-token.ts';
import type { RouteSpec } from '../../functions/routes.ts';
import {
  GATEWAY_HEADERS,
  GATEWAY_MAX_BODY_BYTES,
  GATEWAY_RESPONSES,
  type GatewayResponse,
} from '../gateway-responses.ts';

export interface GatewayOptions {
  port: number;
  host?: string;
  routes: ReadonlyArray<RouteSpec & { id: string }>;
  /** How the Cognito authorizer is configured: pool issuer, JWKS and app client. */
  auth: { issuer: string; jwksUrl: string; clientId: string };
  /** Runs the route's function with a REST proxy event (infra/local/lambda.ts). */
  invoke(route: RouteSpec & { id: string }, event: APIGatewayProxyEvent): Promise<unknown>;
  stage?: string;
}

export interface LocalGateway {
  url: string;
  stop(): Promise<void>;
}

interface CompiledRoute {
  route: RouteSpec & { id: string };
  pattern: RegExp;
  names: string[];
  /** Literal segments win over `{param}` segments, as in API Gateway. */
  specificity: number;
}

function compile(route: RouteSpec & { id: string }): CompiledRoute {
  const names: string[] = [];
  const source = route.path
    .split('/')
    .map((segment) => {
      const param = /^\{(\w+)\}$/.exec(segment);
      if (!param?.[1]) return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(param[1]);
      return '([^/]+)';
    })
    .join('/');
  return { route, pattern: new RegExp(`^${source}$`), names, specificity: -names.length };
}

/** Answers as API Gateway's own gateway response of that kind (the one table CDK deploys too). */
function gatewayAnswer(res: ServerResponse, response: GatewayResponse, requestId: string) {
  res.writeHead(response.status, {
    ...GATEWAY_HEADERS,
    ...(response.headers ?? {}),
    'x-amzn-requestid': requestId,
  });
  res.end(JSON.stringify(response.body(requestId)));
}

/** The body, or undefined when it exceeds API Gateway's limit (the rest is read and dropped, so the client gets its answer). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= GATEWAY_MAX_BODY_BYTES) chunks.push(chunk);
    });
    req.on('end', () =>
      resolve(size > GATEWAY_MAX_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8')),
    );
    req.on('error', reject);
  });
}

/** Claims as the REST API Cognito authorizer hands them over: every value a string. */
function authorizerClaims(payload: JWTPayload): Record<string, string> {
  const claims: Record<string, string> = {};
  for (const [key, value] of Object.entries(payload)) {
    claims[key] = Array.isArray(value) ? value.join(',') : String(value);
  }
  return claims;
}

/**
 * The local API Gateway: matches the route table, verifies Bearer access tokens the way
 * the Cognito authorizer does (signature by the pool's JWKS, issuer, expiry, token_use,
 * client), builds a REST proxy event and invokes the route's handler in-process.
 */
export async function startGateway(opts: GatewayOptions): Promise<LocalGateway> {
  const compiled = opts.routes.map(compile).sort((a, b) => b.specificity - a.specificity);
  const verifyToken = accessTokenVerifier(opts.auth);
  const stage = opts.stage ?? 'local';

  async function verify(header: string | undefined): Promise<Record<string, string> | undefined> {
    const token = bearerToken(header);
    const payload = token ? await verifyToken(token) : undefined;
    return payload ? authorizerClaims(payload) : undefined;
  }

  async function handle(req: IncomingMessage, res: ServerResponse) {
    const requestId = randomUUID();
    const url = new URL(req.url ?? '/', 'http://local');
    // HEAD is served by the GET route without a body, as clients and link scanners expect.
    const method = req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET');
    const byPath = compiled.filter((c) => c.pattern.test(url.pathname));
    const match = byPath.find((c) => c.route.method === method);
    // API Gateway answers an unknown path and a known path with another method alike.
    if (!match) return gatewayAnswer(res, GATEWAY_RESPONSES.noRoute, requestId);
    const { route } = match;
    let claims: Record<string, string> | undefined;
    if (route.auth !== 'public') {
      claims = await verify(req.headers.authorization);
      if (!claims) return gatewayAnswer(res, GATEWAY_RESPONSES.unauthorized, requestId);
    }
    const body = await readBody(req);
    if (body === undefined) return gatewayAnswer(res, GATEWAY_RESPONSES.requestTooLarge, requestId);
    const values = match.pattern.exec(url.pathname)?.slice(1) ?? [];
    const pathParameters = Object.fromEntries(
      match.names.map((name, i) => [name, decodeURIComponent(values[i] ?? '')]),
    );
    const query: Record<string, string> = {};
    const multiQuery: Record<string, string[]> = {};
    for (const [key, value] of url.searchParams) {
      query[key] = value;
      multiQuery[key] = [...(multiQuery[key] ?? []), value];
    }
    const headers: Record<string, string> = {};
    const multiHeaders: Record<string, string[]> = {};
    for (const [key, value] of Object.entries(req.headers)) {
      if (value === undefined) continue;
      const list = Array.isArray(value) ? value : [value];
      headers[key] = list.join(',');
      multiHeaders[key] = list;
    }
    const sourceIp = req.socket.remoteAddress ?? '127.0.0.1';
    const event: APIGatewayProxyEvent = {
      resource: route.path,
      path: url.pathname,
      httpMethod: method,
      headers,
      multiValueHeaders: multiHeaders,
      queryStringParameters: url.searchParams.size > 0 ? query : null,
      multiValueQueryStringParameters: url.searchParams.size > 0 ? multiQuery : null,
      pathParameters: match.names.length > 0 ? pathParameters : null,
      stageVariables: null,
      body: body === '' ? null : body,
      isBase64Encoded: false,
      requestContext: {
        accountId: '000000000000',
        apiId: 'local',
        authorizer: claims ? { claims } : null,
        protocol: `HTTP/${req.httpVersion}`,
        httpMethod: method,
        identity: {
          sourceIp,
          userAgent: req.headers['user-agent'] ?? null,
          accessKey: null,
          accountId: null,
          apiKey: null,
          apiKeyId: null,
          caller: null,
          clientCert: null,
          cognitoAuthenticationProvider: null,
          cognitoAuthenticationType: null,
          cognitoIdentityId: null,
          cognitoIdentityPoolId: null,
          principalOrgId: null,
          user: null,
          userArn: null,
        },
        path: `/${stage}${url.pathname}`,
        stage,
        requestId,
        requestTimeEpoch: Date.now(),
        resourceId: route.id,
        resourcePath: route.path,
      },
    };
    let result: APIGatewayProxyResult;
    try {
      result = (await opts.invoke(route, event)) as APIGatewayProxyResult;
    } catch (error) {
      // What API Gateway answers when the function itself fails (a cold start that throws, a
      // timeout, a crashed worker); said here as Lambda's own log line would say it.
      process.stderr.write(
        `[local gateway] ${method} ${url.pathname} (${route.id}): the function failed: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      return gatewayAnswer(res, GATEWAY_RESPONSES.default5xx, requestId);
    }
    const outHeaders: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
    // A header without a value is not sent (API Gateway drops it too).
    for (const [k, v] of Object.entries(result.headers ?? {}))
      if (v !== undefined && v !== null && v !== '') outHeaders[k] = String(v);
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) outHeaders[k] = v.map(String);
    res.writeHead(result.statusCode, outHeaders);
    const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) gatewayAnswer(res, GATEWAY_RESPONSES.default5xx, randomUUID());
      else res.end();
    });
  });
  server.keepAliveTimeout = 5_000;
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, host, () => resolve());
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : opts.port;
  return {
    url: `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
