import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import type { JWTPayload } from 'jose';
import { accessTokenVerifier, bearerToken } from '../../functions/http/access-token.ts';
import type { RouteSpec } from '../../functions/routes.ts';
import { lambdaContext, loadHandler } from './lambda.ts';

export interface GatewayOptions {
  port: number;
  host?: string;
  routes: ReadonlyArray<RouteSpec & { id: string }>;
  /** How the Cognito authorizer is configured: pool issuer, JWKS and app client. */
  auth: { issuer: string; jwksUrl: string; clientId: string };
  stage?: string;
}

export interface LocalGateway {
  url: string;
  stop(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;

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

function problem(
  res: ServerResponse,
  status: number,
  code: string,
  title: string,
  detail: string,
  requestId: string,
) {
  res.writeHead(status, { 'Content-Type': 'application/problem+json' });
  res.end(JSON.stringify({ type: 'about:blank', title, status, code, detail, requestId }));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
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
    if (!match) {
      if (byPath.length > 0) {
        res.setHeader('Allow', [...new Set(byPath.map((c) => c.route.method))].join(', '));
        return problem(
          res,
          405,
          'METHOD_NOT_ALLOWED',
          'Method not allowed',
          `Use one of: ${res.getHeader('Allow')}.`,
          requestId,
        );
      }
      return problem(
        res,
        404,
        'NOT_FOUND',
        'Not found',
        `No operation at ${url.pathname}; see GET /openapi.json.`,
        requestId,
      );
    }
    const { route } = match;
    let claims: Record<string, string> | undefined;
    if (route.auth !== 'public') {
      claims = await verify(req.headers.authorization);
      if (!claims) {
        return problem(
          res,
          401,
          'UNAUTHENTICATED',
          'Unauthenticated',
          'Sign in with POST /auth/sign-in and send the access token as "Authorization: Bearer <token>".',
          requestId,
        );
      }
    }
    let body: string;
    try {
      body = await readBody(req);
    } catch {
      return problem(
        res,
        413,
        'PAYLOAD_TOO_LARGE',
        'Payload too large',
        'Send a body under 1 MiB.',
        requestId,
      );
    }
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
    const handler = await loadHandler(route.handler);
    let result: APIGatewayProxyResult;
    try {
      result = (await handler(event, lambdaContext(route.id))) as APIGatewayProxyResult;
    } catch {
      // What API Gateway answers when the Lambda itself fails; the error stays in the process.
      return problem(
        res,
        502,
        'BAD_GATEWAY',
        'Bad gateway',
        `The operation failed; retry later (request id ${requestId}).`,
        requestId,
      );
    }
    const outHeaders: Record<string, string | string[]> = { 'x-amzn-requestid': requestId };
    for (const [k, v] of Object.entries(result.headers ?? {})) outHeaders[k] = String(v);
    for (const [k, v] of Object.entries(result.multiValueHeaders ?? {})) outHeaders[k] = v.map(String);
    res.writeHead(result.statusCode, outHeaders);
    const payload = result.isBase64Encoded ? Buffer.from(result.body, 'base64') : result.body;
    res.end(req.method === 'HEAD' ? undefined : payload);
  }

  const server: Server = createServer((req, res) => {
    handle(req, res).catch(() => {
      if (!res.headersSent) problem(res, 500, 'INTERNAL_ERROR', 'Internal error', 'Retry later.', 'gateway');
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
