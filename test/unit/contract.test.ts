import { describe, expect, it } from 'vitest';
import { identityRoutes } from '../../functions/identity/routes.ts';
import { httpHandler } from '../../functions/platform/http/handler.ts';
import { platformRoutes } from '../../functions/platform/routes.ts';
import { assertContract, contractFetch, contractViolation, routeOf } from '../support/contract.ts';

const json = 'application/json';
const user = {
  id: 'u-1',
  email: 'ada@contoso.example',
  firstName: 'Ada',
  lastName: 'Admin',
  agentRole: 'ADMIN_AGENT',
  adminRole: 'GLOBAL_ADMIN',
  status: 'ACTIVE',
};

describe('the response contract the integration tests hold answers to', () => {
  it('finds the route of a method and path, a literal segment before a {param}', () => {
    expect(routeOf('GET', '/users/u-1')?.id).toBe('getUser');
    expect(routeOf('PATCH', '/users/u-1?x=1')?.id).toBe('updateUser');
    expect(routeOf('GET', '/enrollments/verify')?.id).toBe('showEnrollmentVerification');
    expect(routeOf('GET', '/enrollments/e-1')?.id).toBe('getEnrollment');
    expect(routeOf('HEAD', '/health')?.id).toBe('getHealth');
    expect(routeOf('GET', '/users/u-1/unknown')).toBeUndefined();
  });

  it('accepts a body its declared schema parses', () => {
    expect(contractViolation('GET', '/users/u-1', { status: 200, contentType: json, body: user })).toBe(
      undefined,
    );
  });

  it('refuses a wrong body, naming the route and the zod issues', () => {
    const { firstName: _, ...rest } = user;
    const violation = contractViolation('GET', '/users/u-1', {
      status: 200,
      contentType: json,
      body: { ...rest, givenName: 'Ada', status: 'ASLEEP' },
    });
    expect(violation).toContain('getUser (GET /users/{id})');
    expect(violation).toMatch(/^ {2}firstName: /m);
    expect(violation).toMatch(/^ {2}status: /m);
    expect(() =>
      assertContract('GET', '/users/u-1', { status: 200, contentType: json, body: { id: 'u-1' } }),
    ).toThrow(/Response contract: getUser/);
  });

  it('refuses fields the schema does not name, however deep', () => {
    const violation = contractViolation('GET', '/users', {
      status: 200,
      contentType: json,
      body: { items: [user, { ...user, passwordHash: 'x' }] },
    });
    expect(violation).toContain('listUsers');
    expect(violation).toContain('items.1.passwordHash');
  });

  it('refuses another success status than the declared one, and a success of no route', () => {
    expect(contractViolation('POST', '/users', { status: 200, contentType: json, body: {} })).toMatch(
      /createUser .* answered 200; the route declares 201/,
    );
    expect(contractViolation('GET', '/nowhere', { status: 200, contentType: json, body: {} })).toMatch(
      /no route/,
    );
  });

  it('leaves errors to the problem+json checks of each test', () => {
    expect(
      contractViolation('GET', '/users/u-1', {
        status: 404,
        contentType: 'application/problem+json',
        body: { code: 'NOT_FOUND' },
      }),
    ).toBeUndefined();
  });

  it('takes a page only from HTML routes and JSON routes that declare formPage', () => {
    const page = { status: 200, contentType: 'text/html; charset=utf-8', body: '<html></html>' };
    expect(contractViolation('GET', '/accounts/verify', page)).toBeUndefined();
    expect(contractViolation('POST', '/accounts/verify', page)).toBeUndefined();
    expect(contractViolation('GET', '/users/u-1', page)).toMatch(/answered a page/);
    expect(
      contractViolation('GET', '/accounts/verify', { status: 200, contentType: json, body: {} }),
    ).toMatch(/declares an HTML page/);
  });

  it('checks what a direct fetch gets from the API, and nothing else', async () => {
    const answer = (body: unknown) => async () =>
      new Response(JSON.stringify(body), { status: 200, headers: { 'content-type': json } });
    const wrong = contractFetch('http://127.0.0.1:9', answer({ status: 'down' }));
    await expect(wrong('http://127.0.0.1:9/health')).rejects.toThrow(/getHealth .*\n {2}status: /);
    const right = await contractFetch(
      'http://127.0.0.1:9',
      answer({ status: 'ok' }),
    )('http://127.0.0.1:9/health');
    expect(await right.json()).toEqual({ status: 'ok' });
    const elsewhere = contractFetch('http://127.0.0.1:9', answer({ anything: true }));
    expect((await elsewhere('http://127.0.0.1:10/store')).status).toBe(200);
  });
});

const routes = { ...platformRoutes, ...identityRoutes };

describe("a handler's result type, from its route (checked by tsc)", () => {
  const session = { sub: 's', username: 'u', groups: [] };
  const page = { status: 410, html: '<p>gone</p>' };

  it('takes the declared status and schema input, and pages only where declared', () => {
    const handlers = [
      httpHandler(routes.getSession, async () => ({ status: 200, body: session })),
      // @ts-expect-error a wrong field name (userName for username)
      httpHandler(routes.getSession, async () => ({
        status: 200,
        body: { sub: 's', userName: 'u', groups: [] },
      })),
      // @ts-expect-error another status than the declared one
      httpHandler(routes.getSession, async () => ({ status: 201, body: session })),
      // @ts-expect-error a page from a JSON route that does not declare formPage
      httpHandler(routes.getSession, async () => page),
      httpHandler(routes.verifyAccount, async () => page),
      httpHandler(routes.showAccountVerification, async () => page),
      // @ts-expect-error JSON from an HTML route
      httpHandler(routes.showAccountVerification, async () => ({ status: 200, body: session })),
      // A route without a schema takes any body (or none) with its status.
      httpHandler(routes.getOpenApi, async () => ({ status: 200, body: { openapi: '3.0.3' } })),
    ];
    expect(handlers).toHaveLength(8);
  });
});
