import { beforeAll, describe, expect, it } from 'vitest';
import { platformFunctions } from '../../infra/functions.ts';
import {
  coldStart,
  invokeBundle,
  mapLimited,
  proxyEvent,
  type SynthesizedFunction,
  synthesizePlatform,
} from '../support/synthesized.ts';

/**
 * Deployed as tested: the app is synthesized as `cdk synth` does it, and every function's
 * bundle from the cloud assembly is loaded in a clean Node process with exactly the variables
 * its template gives it (and the ones Lambda sets itself), as a cold start on AWS would.
 */
describe('every synthesized function', () => {
  let functions: SynthesizedFunction[];

  beforeAll(async () => {
    functions = await synthesizePlatform();
  }, 300_000);

  it('is one of the route and workflow tables, each exactly once', () => {
    const expected = platformFunctions()
      .map((f) => f.name)
      .sort();

    expect(functions.map((f) => f.name).sort()).toEqual(expected);
  });

  it('loads with only its template’s environment, naming each one that throws', async () => {
    expect(functions.length).toBeGreaterThan(40);
    const starts = await mapLimited(functions, 4, coldStart);

    const failures = starts.filter((s) => s.error).map((s) => `${s.name}: ${s.error}`);
    expect(failures).toEqual([]);
    expect(starts.every((s) => typeof s.importMs === 'number')).toBe(true);
  });

  it('answers GET /health from its bundle, invoked with a proxy event', async () => {
    const health = functions.find((f) => f.name.startsWith('GET /health '));
    if (!health) throw new Error('no GET /health function');

    const result = (await invokeBundle(health, proxyEvent('GET', '/health'))) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
    };

    expect(result.statusCode).toBe(200);
    expect(JSON.parse(result.body)).toEqual({ status: 'ok' });
    expect(result.headers['X-Content-Type-Options']).toBe('nosniff');
    expect(Object.values(result.headers).every((v) => typeof v === 'string' && v !== '')).toBe(true);
  });

  it('answers GET /openapi.json with every route, from its bundle', async () => {
    const openapi = functions.find((f) => f.name.startsWith('GET /openapi.json '));
    if (!openapi) throw new Error('no GET /openapi.json function');

    const result = (await invokeBundle(openapi, proxyEvent('GET', '/openapi.json'))) as {
      statusCode: number;
      body: string;
    };

    expect(result.statusCode).toBe(200);
    const document = JSON.parse(result.body) as { paths: Record<string, unknown> };
    expect(Object.keys(document.paths)).toContain('/customers/{customerId}');
  });
});
