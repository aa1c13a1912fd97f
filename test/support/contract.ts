import { en } from 'zod/locales';
import * as z from 'zod/mini';
import { type RouteSpec, routeList } from '../../functions/routes.ts';

// Readable issues ("expected string, received undefined"), as the handlers word theirs.
z.config(en());

/**
 * The route table as a contract the integration tests hold every success answer to: a 2xx
 * must come from a route of the table, with its declared status and content type, and a JSON
 * body must parse with its declared zod schema without fields the schema does not name.
 * Errors (problem+json) are declared once for every route and not checked here.
 */

type Entry = RouteSpec & { id: string };

const segmentsOf = (path: string) => path.split('/').filter(Boolean);
const isParam = (segment: string) => /^\{[^}]+\}$/.test(segment);

/**
 * The entry serving `method` and `path` (query string ignored; HEAD is served by GET): of the
 * templates that match, the one with the most literal segments, so `/enrollments/verify` is not
 * `/enrollments/{id}`, as API Gateway resolves them.
 */
export function routeOf(method: string, path: string): Entry | undefined {
  const wanted = method.toUpperCase() === 'HEAD' ? 'GET' : method.toUpperCase();
  const segments = segmentsOf(path.split(/[?#]/)[0] ?? '');
  let best: { entry: Entry; literals: number } | undefined;
  for (const entry of routeList) {
    if (entry.method !== wanted) continue;
    const template = segmentsOf(entry.path);
    if (template.length !== segments.length) continue;
    let literals = 0;
    const matches = template.every((t, i) => {
      if (isParam(t)) return segments[i] !== '';
      literals++;
      return t === segments[i];
    });
    if (matches && (!best || literals > best.literals)) best = { entry, literals };
  }
  return best?.entry;
}

/** A received answer: status, Content-Type and the body (parsed when JSON). */
export interface Answer {
  status: number;
  contentType: string | null;
  body: unknown;
}

const pathOf = (path: ReadonlyArray<PropertyKey>) => path.map(String).join('.') || '(body)';

/**
 * The paths of fields in `received` that parsing dropped (`parsed` is the schema's output):
 * zod objects strip unknown keys, so a handler returning more than the route declares would
 * otherwise pass unnoticed.
 */
function undeclaredFields(received: unknown, parsed: unknown, at: string[] = []): string[] {
  if (Array.isArray(received) && Array.isArray(parsed))
    return received.flatMap((item, i) => undeclaredFields(item, parsed[i], [...at, String(i)]));
  if (!isRecord(received) || !isRecord(parsed)) return [];
  return Object.entries(received).flatMap(([key, value]) =>
    key in parsed ? undeclaredFields(value, parsed[key], [...at, key]) : [pathOf([...at, key])],
  );
}
const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * What breaks the route table's contract in an answer to `method path`, or undefined.
 * Only 2xx answers are checked.
 */
export function contractViolation(method: string, path: string, answer: Answer): string | undefined {
  if (answer.status < 200 || answer.status > 299) return undefined;
  const entry = routeOf(method, path);
  if (!entry) return `${method} ${path} answered ${answer.status}, but no route of the table serves it`;
  const route = `${entry.id} (${entry.method} ${entry.path})`;
  const { response } = entry;
  if (answer.status !== response.status)
    return `${route} answered ${answer.status}; the route declares ${response.status}`;
  // HEAD is GET without the body: nothing more to compare.
  if (method.toUpperCase() === 'HEAD') return undefined;
  const type = answer.contentType ?? '';
  const html = /^text\/html/i.test(type);
  if (response.contentType === 'text/html')
    return html ? undefined : `${route} declares an HTML page but answered ${type || 'no body'}`;
  // A JSON route answers a page only to its page form's post, where it declares so.
  if (html) return response.formPage ? undefined : `${route} answered a page; the route declares JSON`;
  if (!response.schema) return undefined;
  if (!/^application\/json/i.test(type))
    return `${route} declares a JSON body but answered ${type || 'no body'}`;
  const parsed = z.safeParse(response.schema, answer.body);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => `  ${pathOf(issue.path)}: ${issue.message}`);
    return `${route} answered a body its declared schema refuses:\n${issues.join('\n')}`;
  }
  const extra = undeclaredFields(answer.body, parsed.data);
  if (extra.length > 0)
    return `${route} answered fields its declared schema does not name:\n${extra.map((p) => `  ${p}`).join('\n')}`;
  return undefined;
}

/** Throws (failing the test) when an answer breaks the contract; see contractViolation. */
export function assertContract(method: string, path: string, answer: Answer): void {
  const violation = contractViolation(method, path, answer);
  if (violation) throw new Error(`Response contract: ${violation}`);
}

/** The body as `call` reads it: parsed when JSON, else the text. */
export function parseBody(contentType: string | null, text: string): unknown {
  return /json/.test(contentType ?? '') && text !== '' ? JSON.parse(text) : text;
}

/** Where the integration setup keeps the platform's own fetch when it installs the checked one. */
const UNCHECKED = Symbol.for('csp.test.uncheckedFetch');
const slot = globalThis as typeof globalThis & { [UNCHECKED]?: typeof fetch };

/** The platform's own fetch, never the checked one (`call` checks its answers itself). */
export const uncheckedFetch: typeof fetch = slot[UNCHECKED] ?? globalThis.fetch;

/** Makes every `fetch` of this test file check answers from `apiUrl` (once per process). */
export function installContractFetch(apiUrl: string): void {
  slot[UNCHECKED] ??= globalThis.fetch;
  globalThis.fetch = contractFetch(apiUrl, slot[UNCHECKED]);
}

/**
 * `fetch` that holds answers from the API under `apiUrl` to the contract (a clone is read; the
 * caller gets the response untouched). The integration setup installs it as the global fetch,
 * so tests that fetch pages or links directly are checked like `call`.
 */
export function contractFetch(apiUrl: string, inner: typeof fetch = uncheckedFetch): typeof fetch {
  const base = new URL(apiUrl);
  return async (input, init) => {
    const res = await inner(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input));
    if (url.origin !== base.origin || !url.pathname.startsWith(base.pathname)) return res;
    const method = init?.method ?? (input instanceof Request ? input.method : 'GET');
    const path = url.pathname.slice(base.pathname.replace(/\/$/, '').length);
    const contentType = res.headers.get('content-type');
    if (res.status >= 200 && res.status <= 299)
      assertContract(method, path, {
        status: res.status,
        contentType,
        body: parseBody(contentType, await res.clone().text()),
      });
    return res;
  };
}
