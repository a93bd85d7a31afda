/**
 * The type-aware rules of decision 0012 are on where the decision says, proved on a probe.
 * The probe is linted under the path of a real file of each tree, so that TypeScript's project
 * service types it with the project's own tsconfig (it reads the text given, not the file).
 */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: repo });

// Each line breaks one type-aware rule, and only a type checker can see it: that `later()`
// returns a promise, that `kind` has a case left, that the callback returns a promise.
const PROBE = `async function later(): Promise<number> { return await Promise.resolve(1); }
export function f(kind: 'a' | 'b'): number {
  later();
  switch (kind) { case 'a': return 1; }
  return 0;
}
export const g = [1].forEach(async () => { await later(); });
`;
const TYPE_AWARE = ['@typescript-eslint/no-floating-promises', '@typescript-eslint/switch-exhaustiveness-check', '@typescript-eslint/no-misused-promises'];

async function ruleIds(file: string): Promise<string[]> {
  const [result] = await eslint.lintText(PROBE, { filePath: path.join(repo, file) });
  return result!.messages.map((m) => m.ruleId ?? `(fatal) ${m.message}`);
}

describe('type-aware lint', () => {
  it.each(['src/core/docs-links.ts', 'src/io/files.ts', 'src/cli/main.ts', 'scripts/serve.ts', 'test/unit/lint-rules.test.ts'])(
    '%s: a floating promise, a missing switch case and a promise-returning callback are each refused',
    async (file) => {
      expect([...new Set(await ruleIds(file))].filter((id) => TYPE_AWARE.includes(id)).sort()).toEqual([...TYPE_AWARE].sort());
    },
    120_000,
  );
});
