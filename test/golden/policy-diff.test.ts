/**
 * Golden policy diff: two versions of a fictional Lumen Mail policy. Between them the
 * backup retention of deleted mail goes from 45 to 30 days, an avatar service that
 * receives hashed addresses is added (a list item and a table row), the processors
 * link moves, the cookie section is reworded, and the introduction is only reflowed
 * (so it must not show). Any change to tokens, pairing or rendering shows up here.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { diffToJson, renderDiffHtml, renderDiffTerminal } from '../../src/core/policy/diff/render.ts';
import { diffPolicies } from '../../src/core/policy/diff/word-diff.ts';

const read = (name: string) => readFileSync(new URL(`./files/${name}`, import.meta.url), 'utf8');
const diff = diffPolicies(read('diff-lumen-a.md'), read('diff-lumen-b.md'));

describe('golden policy diff (Lumen Mail)', () => {
  it('html', async () => {
    await expect(renderDiffHtml(diff)).toMatchFileSnapshot('./files/diff-lumen.html');
  });

  it('terminal text', async () => {
    await expect(renderDiffTerminal(diff, { color: false })).toMatchFileSnapshot('./files/diff-lumen.txt');
  });

  it('json', async () => {
    await expect(`${JSON.stringify(diffToJson(diff), null, 2)}\n`).toMatchFileSnapshot('./files/diff-lumen.json');
  });

  it('leaves the reflowed introduction and the untouched sections out', () => {
    const sections = new Set(diff.hunks.map((h) => h.section.join(' › ')));
    expect([...sections]).toEqual(['1. What we collect', '2. Who else receives data', '3. Retention › Backups', '4. Cookies']);
    expect(diff.hunks.map((h) => h.kind)).toEqual(['added', 'added', 'modified', 'modified', 'modified']);
  });
});
