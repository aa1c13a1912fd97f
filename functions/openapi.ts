import * as z from 'zod/mini';
import { MAX_IDEMPOTENCY_KEY_LENGTH } from './platform/http/idempotency-key.ts';
import { Problem } from './platform/schemas.ts';
import { type RouteSpec, routeList } from './routes.ts';

type Schema = z.core.JSONSchema.JSONSchema;
type Io = 'input' | 'output';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  description?: string;
  required: boolean;
  schema: Schema;
}
interface Response {
  description: string;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  operationId: string;
  summary: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Response>;
}
export interface OpenApiDocument {
  openapi: '3.0.3';
  info: { title: string; version: string };
  components: {
    securitySchemes: Record<string, { type: 'http'; scheme: 'bearer'; bearerFormat: string }>;
    schemas: Record<string, Schema>;
  };
  paths: Record<string, Record<string, Operation>>;
}

const BEARER = 'bearer';
const COMPONENTS = '#/components/schemas/';
/** Where zod's JSON Schema (OpenAPI 3.0 target) puts a schema carrying a `{ id }` in the global registry. */
const DEFINITIONS = '#/definitions/';

/**
 * Trims what zod adds beyond the contract: `additionalProperties: false` on the output of
 * ordinary (stripping) objects, which would forbid responses from ever gaining a field, and
 * the ±2^53 bounds of `z.int()`, which say nothing more than `type: integer`.
 */
function tidy({ zodSchema, jsonSchema }: { zodSchema: z.core.$ZodTypes; jsonSchema: Schema }) {
  const def = zodSchema._zod.def;
  if (def.type === 'object' && def.catchall === undefined && jsonSchema.additionalProperties === false)
    delete jsonSchema.additionalProperties;
  if (jsonSchema.type === 'integer') {
    if (jsonSchema.minimum === Number.MIN_SAFE_INTEGER) delete jsonSchema.minimum;
    if (jsonSchema.maximum === Number.MAX_SAFE_INTEGER) delete jsonSchema.maximum;
  }
}

/** Points zod's `#/definitions/Name` references at the document's components. */
function toComponentRefs<T>(value: T): T {
  if (Array.isArray(value)) return value.map(toComponentRefs) as T;
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    out[key] =
      key === '$ref' && typeof v === 'string' && v.startsWith(DEFINITIONS)
        ? COMPONENTS + v.slice(DEFINITIONS.length)
        : toComponentRefs(v);
  }
  return out as T;
}

/**
 * JSON Schema of zod schemas for one document: a schema registered with an `id`
 * (`.register(z.globalRegistry, { id })`) becomes a component and a `$ref` to it. Request
 * schemas are described as input (what a caller sends: defaults make fields optional),
 * responses as output. A component must read the same both ways, or generation fails.
 */
class SchemaCollector {
  readonly components: Record<string, Schema> = {};
  private readonly sides: Record<string, Io> = {};

  of(schema: z.core.$ZodType, io: Io): Schema {
    const { definitions, ...json } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, override: tidy });
    for (const [name, def] of Object.entries((definitions ?? {}) as Record<string, Schema>)) {
      this.add(name, toComponentRefs(def), io);
    }
    return toComponentRefs(json);
  }

  /** A schema's own JSON, following a `$ref` to its component. */
  resolve(json: Schema): Schema {
    return json.$ref?.startsWith(COMPONENTS)
      ? (this.components[json.$ref.slice(COMPONENTS.length)] ?? json)
      : json;
  }

  private add(name: string, json: Schema, io: Io) {
    const existing = this.components[name];
    if (existing === undefined) {
      this.components[name] = json;
      this.sides[name] = io;
    } else if (JSON.stringify(existing) !== JSON.stringify(json)) {
      throw new Error(
        `OpenAPI component ${name} has two JSON Schemas (as ${this.sides[name]}, then as ${io}); give each its own schema and id`,
      );
    }
  }
}

function parameters(route: RouteSpec, schemas: SchemaCollector): Parameter[] {
  const out: Parameter[] = [];
  for (const [where, schema] of [
    ['path', route.request?.params],
    ['query', route.request?.query],
  ] as const) {
    if (!schema) continue;
    const json = schemas.resolve(schemas.of(schema, 'input'));
    if (json.type !== 'object' || !json.properties) {
      throw new Error(`${route.method} ${route.path}: the ${where} parameters must be a zod object`);
    }
    for (const [name, property] of Object.entries(json.properties)) {
      out.push({
        name,
        in: where,
        // OpenAPI requires every path parameter; a query parameter is required unless optional or defaulted.
        required: where === 'path' || (json.required ?? []).includes(name),
        schema: typeof property === 'boolean' ? {} : property,
      });
    }
  }
  if (route.idempotent) out.push(IDEMPOTENCY_KEY);
  return out;
}

/** The header every create that honors it takes; a replay returns the first response. */
const IDEMPOTENCY_KEY: Parameter = {
  name: 'Idempotency-Key',
  in: 'header',
  required: false,
  description:
    'A key of your choice (a UUID, say) that makes a retry safe: a replay with the same key and body returns the first response; the same key with another body answers 422 IDEMPOTENCY_KEY_REUSED.',
  schema: { type: 'string', maxLength: MAX_IDEMPOTENCY_KEY_LENGTH },
};

function success(route: RouteSpec, schemas: SchemaCollector): Response {
  const { schema, contentType } = route.response;
  if (schema)
    return {
      description: 'Success',
      content: { [contentType ?? 'application/json']: { schema: schemas.of(schema, 'output') } },
    };
  if (contentType === 'text/html')
    return { description: 'Success', content: { 'text/html': { schema: { type: 'string' } } } };
  return { description: 'Success' };
}

/** Builds the OpenAPI 3 document from the route table and its zod schemas (zod's own JSON Schema). */
export function buildOpenApiDocument(): OpenApiDocument {
  const schemas = new SchemaCollector();
  const problem = {
    description: 'Problem',
    content: { 'application/problem+json': { schema: schemas.of(Problem, 'output') } },
  };
  const paths: OpenApiDocument['paths'] = {};
  for (const r of routeList) {
    const params = parameters(r, schemas);
    const body = r.request?.body;
    const operation: Operation = {
      operationId: r.id,
      summary: r.summary,
      ...(r.auth === 'public' ? {} : { security: [{ [BEARER]: [] }] }),
      ...(params.length > 0 ? { parameters: params } : {}),
      ...(body
        ? { requestBody: { content: { 'application/json': { schema: schemas.of(body, 'input') } } } }
        : {}),
      responses: { [r.response.status]: success(r, schemas), default: problem },
    };
    paths[r.path] = { ...paths[r.path], [r.method.toLowerCase()]: operation };
  }
  return {
    openapi: '3.0.3',
    info: { title: 'CSP partner platform API', version: '1.0.0' },
    components: {
      securitySchemes: { [BEARER]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
      schemas: schemas.components,
    },
    paths,
  };
}
