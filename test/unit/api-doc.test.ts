import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { routeList } from '../../functions/routes.ts';
import { renderApiDoc } from '../../scripts/api-doc.ts';

describe('docs/api.md', () => {
  it('is what the route table generates (run `npm run docs:api` after changing routes)', () => {
    const onDisk = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');

    expect(onDisk).toBe(renderApiDoc());
  });

  it('lists every route of the table', () => {
    const doc = renderApiDoc();

    for (const r of routeList) expect(doc).toContain(`\`${r.method} ${r.path}\``);
  });
});
