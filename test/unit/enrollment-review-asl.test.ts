import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { functionArnPlaceholder, workflows } from '../../functions/workflows.ts';

type State = {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  Retry?: unknown[];
  Catch?: Array<{ ErrorEquals: string[] }>;
  Next?: string;
};
const workflow = workflows.find((w) => w.name === 'enrollment-review');
const raw = readFileSync(new URL(`../../${workflow?.definitionFile}`, import.meta.url), 'utf8');
// Filled as CDK's definitionSubstitutions would, with function ARNs.
const filled = Object.keys(workflow?.tasks ?? {}).reduce(
  (text, task) =>
    text.replaceAll(
      `\${${functionArnPlaceholder(task)}}`,
      `arn:aws:lambda:us-east-1:123456789012:function:${task}`,
    ),
  raw,
);
const definition = JSON.parse(filled) as { States: Record<string, State>; TimeoutSeconds?: number };
const states = Object.entries(definition.States);

describe('statemachines/enrollment-review.asl.json', () => {
  it('is valid Amazon States Language once substituted, with no placeholder left', async () => {
    expect(filled).not.toMatch(/\$\{\w+\}/);
    // asl-validator is CommonJS without type declarations.
    const validate = createRequire(import.meta.url)('asl-validator') as (d: unknown) => {
      isValid: boolean;
      errors?: unknown[];
    };
    const result = validate(definition);
    expect(result.errors ?? []).toEqual([]);
    expect(result.isValid).toBe(true);
  });

  it('names a handler for every placeholder it uses', () => {
    const used = [...raw.matchAll(/\$\{(\w+)FunctionArn\}/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(Object.keys(workflow?.tasks ?? {})));
  });

  it('sets TimeoutSeconds on every .waitForTaskToken state: 7 days to verify, 3 days between reminders', () => {
    const waits = states.filter(([, s]) => s.Resource?.endsWith('.waitForTaskToken'));
    expect(waits.map(([name]) => name).sort()).toEqual(['Await decision', 'Send verification email']);
    for (const [, s] of waits) expect(s.TimeoutSeconds).toBeGreaterThan(0);
    expect(definition.States['Send verification email']?.TimeoutSeconds).toBe(7 * 86_400);
    expect(definition.States['Await decision']?.TimeoutSeconds).toBe(3 * 86_400);
    expect(definition.TimeoutSeconds).toBeLessThan(365 * 86_400);
  });

  it('gives every task a timeout, retries and a Catch to the failure recorder', () => {
    for (const [name, s] of states.filter(([, st]) => st.Type === 'Task')) {
      expect(s.TimeoutSeconds, name).toBeGreaterThan(0);
      expect(s.Retry?.length, name).toBeGreaterThan(0);
      if (name === 'Record failure') continue;
      expect(
        s.Catch?.some((c) => c.ErrorEquals.includes('States.ALL')),
        name,
      ).toBe(true);
    }
  });
});
