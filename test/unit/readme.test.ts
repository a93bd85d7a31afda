/** The README's verdict table is the public contract: every reason code must be in it. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { REASONS, VERDICT_EXIT } from '../../src/core/verify/reasons.ts';
import { WATCH_EXIT } from '../../src/core/watch/transition.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

describe('README', () => {
  it.each(Object.keys(REASONS))('documents reason %s', (code) => {
    expect(readme).toContain(`\`${code}\``);
  });

  it.each(Object.entries(VERDICT_EXIT))('documents exit code of %s', (verdict, code) => {
    expect(readme).toMatch(new RegExp(`\\| ${code} \\| \`${verdict}\``));
  });

  it.each(Object.entries(WATCH_EXIT))('documents the candor watch exit code of %s', (status, code) => {
    expect(readme).toMatch(new RegExp(`\\| ${code} \\| \`${status}\``));
  });
});
