import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { buildOpenApiDocument } from '../../functions/openapi.ts';
import { routeList } from '../../functions/routes.ts';

const document = buildOpenApiDocument();
const COMPONENTS = '#/components/schemas/';

/** Every `$ref` anywhere in a JSON value. */
function refsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(refsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, v]) =>
    key === '$ref' && typeof v === 'string' ? [v] : refsIn(v),
  );
}

/** The ids (`.register(z.globalRegistry, { id })`) of a zod schema and everything inside it. */
function idsIn(schema: z.core.$ZodType, seen = new Set<z.core.$ZodType>()): string[] {
  if (seen.has(schema)) return [];
  seen.add(schema);
  const id = z.globalRegistry.get(schema)?.id;
  const def = (schema as z.core.$ZodTypes)._zod.def;
  const inner: z.core.$ZodType[] =
    def.type === 'object'
      ? Object.values(def.shape)
      : def.type === 'array'
        ? [def.element]
        : def.type === 'union'
          ? [...def.options]
          : def.type === 'optional' || def.type === 'default' || def.type === 'nullable'
            ? [def.innerType]
            : def.type === 'pipe'
              ? [def.in, def.out]
              : [];
  return [...(id ? [id] : []), ...inner.flatMap((s) => idsIn(s, seen))];
}

/** The keys of an object schema, each with whether a caller must send it (the field refuses `undefined`). */
function fieldsOf(schema: z.core.$ZodType | undefined): Array<[string, boolean]> {
  if (!schema) return [];
  if (!(schema instanceof z.core.$ZodObject)) throw new Error('parameters must be a zod object');
  return Object.entries(schema._zod.def.shape).map(([name, field]) => [
    name,
    !z.safeParse(field, undefined).success,
  ]);
}

describe('the OpenAPI document (GET /openapi.json)', () => {
  it('has one operation per route of the table, with its id, summary and success status', () => {
    const operations = Object.values(document.paths).flatMap((byMethod) => Object.keys(byMethod));
    expect(operations).toHaveLength(routeList.length);
    for (const r of routeList) {
      const op = document.paths[r.path]?.[r.method.toLowerCase()];
      expect(op, `${r.method} ${r.path}`).toBeDefined();
      expect(op?.operationId).toBe(r.id);
      expect(op?.summary).toBe(r.summary);
      expect(Object.keys(op?.responses ?? {}).sort()).toEqual([String(r.response.status), 'default'].sort());
      expect(op?.responses.default?.content?.['application/problem+json']?.schema).toEqual({
        $ref: `${COMPONENTS}Problem`,
      });
    }
  });

  it('lists every path and query parameter of a route, required as its schema says', () => {
    for (const r of routeList) {
      const parameters = document.paths[r.path]?.[r.method.toLowerCase()]?.parameters ?? [];
      const described = parameters.map((p) => [p.in, p.name, p.required]);
      const expected = [
        ...fieldsOf(r.request?.params).map(([name]) => ['path', name, true]),
        ...fieldsOf(r.request?.query).map(([name, required]) => ['query', name, required]),
        // Creates that honor Idempotency-Key say so; others do not take it.
        ...(r.idempotent ? [['header', 'Idempotency-Key', false]] : []),
      ];
      expect(described, `${r.method} ${r.path}`).toEqual(expected);
      // Each {name} of the path template is a path parameter, and nothing else is.
      const template = [...r.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]);
      expect(
        parameters.filter((p) => p.in === 'path').map((p) => p.name),
        r.path,
      ).toEqual(template);
      for (const p of parameters) expect(p.schema, `${r.path} ${p.name}`).not.toEqual({});
    }
    const invitations = document.paths['/invitations']?.get?.parameters;
    expect(invitations?.find((p) => p.name === 'direction')).toMatchObject({
      in: 'query',
      required: true,
      schema: { type: 'string', enum: ['sent', 'received'] },
    });
    expect(invitations?.find((p) => p.name === 'limit')).toMatchObject({
      required: false,
      schema: { type: 'integer', minimum: 1, maximum: 100, default: 25 },
    });
  });

  it('describes request bodies and responses, and guards non-public routes with the bearer scheme', () => {
    for (const r of routeList) {
      const op = document.paths[r.path]?.[r.method.toLowerCase()];
      expect(op?.requestBody !== undefined, `${r.path} body`).toBe(r.request?.body !== undefined);
      expect(op?.security, r.path).toEqual(r.auth === 'public' ? undefined : [{ bearer: [] }]);
      const content = op?.responses[String(r.response.status)]?.content ?? {};
      if (r.response.schema)
        expect(Object.keys(content)).toEqual([r.response.contentType ?? 'application/json']);
    }
    expect(document.components.securitySchemes.bearer).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });
    expect(document.paths['/users']?.post?.requestBody?.content['application/json']?.schema).toEqual({
      $ref: `${COMPONENTS}CreateUserRequest`,
    });
    expect(document.paths['/accounts/verify']?.get?.responses['200']?.content).toEqual({
      'text/html': { schema: { type: 'string' } },
    });
  });

  it('makes a component of every named schema, and every $ref points to one', () => {
    const named = new Set(
      routeList.flatMap((r) =>
        [r.request?.params, r.request?.query, r.request?.body, r.response.schema].flatMap((s) =>
          s ? idsIn(s) : [],
        ),
      ),
    );
    named.add('Problem');
    expect(new Set(Object.keys(document.components.schemas))).toEqual(named);
    const refs = refsIn(document);
    expect(refs.length).toBeGreaterThan(routeList.length);
    for (const ref of refs) {
      expect(ref.startsWith(COMPONENTS), ref).toBe(true);
      expect(document.components.schemas[ref.slice(COMPONENTS.length)], ref).toBeDefined();
    }
  });

  it('keeps the examples and formats of the schemas', () => {
    const enrollment = document.components.schemas.EnrollmentRequest;
    expect(enrollment?.properties?.primaryContact).toMatchObject({
      properties: { email: { type: 'string', example: 'admin@contoso.com' } },
    });
    expect(enrollment?.properties?.supportContact).toMatchObject({
      properties: { website: { type: 'string', format: 'uri' } },
    });
    expect(document.components.schemas.SignInResult?.anyOf?.[0]).toEqual({ $ref: `${COMPONENTS}Tokens` });
  });
});
