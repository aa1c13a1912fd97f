import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { DomainError } from '../../functions/platform/errors.ts';
import { httpHandler } from '../../functions/platform/http/handler.ts';
import type { RouteSpec } from '../../functions/routes.ts';

const route = {
  method: 'POST',
  path: '/things/{id}',
  handler: 'unused',
  auth: 'public',
  summary: 'fixture',
  request: {
    params: z.object({ id: z.string().check(z.regex(/^t-\d+$/)) }),
    query: z.object({ dryRun: z.optional(z.enum(['true', 'false'])) }),
    body: z.object({
      name: z.string().check(z.minLength(1)),
      size: z.number().check(z.int(), z.positive()),
      owner: z.object({ email: z.email() }),
    }),
  },
  response: { status: 201 },
} satisfies RouteSpec;

function event(over: Partial<APIGatewayProxyEvent>): APIGatewayProxyEvent {
  return {
    resource: route.path,
    path: '/things/t-1',
    httpMethod: 'POST',
    headers: { 'Content-Type': 'application/json' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { id: 't-1' },
    stageVariables: null,
    body: null,
    isBase64Encoded: false,
    requestContext: { requestId: 'req-1' } as APIGatewayProxyEvent['requestContext'],
    ...over,
  };
}

const context = { awsRequestId: 'aws-1', getRemainingTimeInMillis: () => 1000 } as unknown as Context;
const parse = (res: APIGatewayProxyResult) => JSON.parse(res.body) as Record<string, unknown>;

describe('httpHandler', () => {
  const handler = httpHandler(route, async ({ body, params }) => {
    if (body.name === 'taken') throw new DomainError('EMAIL_TAKEN', 'Choose another name.');
    if (body.name === 'boom') throw new Error('database password is hunter2');
    return { status: 201, body: { id: params.id, name: body.name } };
  });

  it('passes a valid JSON body to the domain and answers JSON', async () => {
    const res = await handler(
      event({ body: JSON.stringify({ name: 'a', size: 2, owner: { email: 'a@b.co' } }) }),
      context,
    );
    expect(res.statusCode).toBe(201);
    expect(res.headers?.['Content-Type']).toBe('application/json');
    expect(parse(res)).toEqual({ id: 't-1', name: 'a' });
  });

  it('names every bad field of body, path and query in one problem', async () => {
    const res = await handler(
      event({
        pathParameters: { id: 'x' },
        queryStringParameters: { dryRun: 'maybe' },
        body: JSON.stringify({ name: '', size: -1, owner: { email: 'nope' } }),
      }),
      context,
    );
    expect(res.statusCode).toBe(400);
    expect(res.headers?.['Content-Type']).toBe('application/problem+json');
    const problem = parse(res);
    expect(problem).toMatchObject({ status: 400, code: 'VALIDATION_FAILED', requestId: 'req-1' });
    const paths = (problem.errors as Array<{ path: string }>).map((e) => e.path).sort();
    expect(paths).toEqual(['body.name', 'body.owner.email', 'body.size', 'path.id', 'query.dryRun']);
  });

  it("words zod's own issues in English (zod/mini carries no locale of its own)", async () => {
    const res = await handler(
      event({ body: JSON.stringify({ name: '', size: 1, owner: { email: 'a@b.co' } }) }),
      context,
    );
    expect(parse(res).errors).toEqual([
      { path: 'body.name', message: 'Too small: expected string to have >=1 characters' },
    ]);
  });

  it('reports a missing body as a validation failure', async () => {
    const res = await handler(event({ body: null }), context);
    expect(res.statusCode).toBe(400);
    expect(parse(res).errors).toEqual([{ path: 'body', message: expect.any(String) }]);
  });

  it('accepts the HTML pages urlencoded forms', async () => {
    const form = httpHandler(
      { ...route, request: { body: z.object({ token: z.string(), authorize: z.literal('on') }) } },
      async ({ body }) => ({ status: 200, body }),
    );
    const res = await form(
      event({
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        body: 'token=abc&authorize=on',
      }),
      context,
    );
    expect(res.statusCode).toBe(200);
    expect(parse(res)).toEqual({ token: 'abc', authorize: 'on' });
  });

  it('answers malformed JSON with MALFORMED_BODY and other media types with 415', async () => {
    const bad = await handler(event({ body: '{"name":' }), context);
    expect(bad.statusCode).toBe(400);
    expect(parse(bad).code).toBe('MALFORMED_BODY');
    const xml = await handler(event({ headers: { 'Content-Type': 'text/xml' }, body: '<a/>' }), context);
    expect(xml.statusCode).toBe(415);
    expect(parse(xml).code).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('maps typed errors to their status and code', async () => {
    const res = await handler(
      event({ body: JSON.stringify({ name: 'taken', size: 1, owner: { email: 'a@b.co' } }) }),
      context,
    );
    expect(res.statusCode).toBe(409);
    expect(parse(res)).toMatchObject({
      code: 'EMAIL_TAKEN',
      detail: 'Choose another name.',
      title: 'Conflict',
    });
  });

  it('hides unknown errors behind a generic 500 with the request id', async () => {
    const res = await handler(
      event({ body: JSON.stringify({ name: 'boom', size: 1, owner: { email: 'a@b.co' } }) }),
      context,
    );
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('hunter2');
    expect(parse(res)).toMatchObject({ code: 'INTERNAL_ERROR', requestId: 'req-1' });
  });

  it('refuses a signed-in route without authorizer claims, and an operator route to partners', async () => {
    const signedIn = httpHandler({ ...route, auth: 'signed-in' }, async () => ({ status: 200 }));
    expect((await signedIn(event({}), context)).statusCode).toBe(401);
    const operator = httpHandler({ ...route, auth: 'operator', request: {} }, async () => ({ status: 204 }));
    const partner = event({
      requestContext: { requestId: 'r', authorizer: { claims: { sub: 's', username: 'u' } } } as never,
    });
    expect((await operator(partner, context)).statusCode).toBe(403);
    const op = event({
      requestContext: {
        requestId: 'r',
        authorizer: { claims: { sub: 's', username: 'u', 'cognito:groups': 'operators' } },
      } as never,
    });
    expect((await operator(op, context)).statusCode).toBe(204);
  });
});
