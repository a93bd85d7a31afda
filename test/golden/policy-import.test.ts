/** Golden version files of `candor policy import`: a saved page, a text file, a Markdown file and a folder of snapshots. */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { importDocument } from '../../src/core/policy/import/document.ts';
import { planHistory, planSingle } from '../../src/core/policy/import/versions.ts';

const FIXTURES = path.join(import.meta.dirname, '..', 'fixtures', 'import');
const doc = (name: string) => importDocument(path.basename(name), readFileSync(path.join(FIXTURES, name), 'utf8'));

describe('policy import golden files', () => {
  for (const [name, policy] of [
    ['saved-page.html', 'pebble'],
    ['plain-policy.txt', 'quill'],
    ['markdown-policy.md', 'lantern'],
  ] as const) {
    it(`${name} → content/policies/${policy}/1.0.md`, async () => {
      const v = planSingle(doc(name), { policy, existing: [] });
      await expect(v.text).toMatchFileSnapshot(`./files/import/${policy}/${v.version}.md`);
    });
  }

  it('snapshots/ → one file per distinct text', async () => {
    const plan = planHistory(
      readdirSync(path.join(FIXTURES, 'snapshots')).map((n) => doc(`snapshots/${n}`)),
      { policy: 'driftwood', existing: [] },
    );
    expect(plan.map((v) => v.version)).toEqual(['1.0', '1.1', '2.0']);
    for (const v of plan) await expect(v.text).toMatchFileSnapshot(`./files/import/driftwood/${v.version}.md`);
  });
});
