/** The project's own ESLint rules catch what they are for, checked on probe sources. */
import path from 'node:path';
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
// The probe files exist only as text, so TypeScript's project service cannot type them:
// the type-aware rules are off here (the rules under test need no types), the rest of the
// project's configuration is as `npm run lint` runs it.
const eslint = new ESLint({ cwd: repo, overrideConfig: tseslint.configs.disableTypeChecked });

async function messages(file: string, text: string): Promise<string[]> {
  const [result] = await eslint.lintText(text, { filePath: path.join(repo, file) });
  return result!.messages.map((m) => m.message);
}

describe('test what ships', () => {
  it.each([
    ["import { run } from '../../src/cli/main.ts';\nexport const x = run;\n"],
    ["import { verifyCommand } from '../../src/cli/commands/verify.ts';\nexport const x = verifyCommand;\n"],
  ])('a test may not run the CLI in process: %s', async (source) => {
    expect(await messages('test/integration/probe.test.ts', source)).toEqual([expect.stringContaining('Run the shipped CLI')]);
  });

  it('a test may use the shipped CLI helper', async () => {
    expect(await messages('test/integration/probe.test.ts', "import { candor } from '../helpers/candor-bin.ts';\nexport const x = candor;\n")).toEqual([]);
  });
});

describe('the core is pure, at every depth', () => {
  const PROBES: [string, string][] = [
    ["import { readText } from '../../io/files.ts';\nexport const x = readText;\n", 'imports only the core'],
    ["import { run } from '../../cli/main.ts';\nexport const x = run;\n", 'imports only the core'],
    ["import x from '../../site/data.ts';\nexport const y = x;\n", 'imports only the core'],
    ["import { Octokit } from '@octokit/rest';\nexport const x = Octokit;\n", 'network and file libraries'],
    ["import { readFile } from 'fs/promises';\nexport const x = readFile;\n", 'Node built-ins'],
    ["import http from 'node:http';\nexport const x = http;\n", 'Node built-ins'],
    ['export const x = globalThis.process.env;\n', 'not even through globalThis'],
    ['export const x = process.env.HOME;\n', 'as parameters'],
    ['export const x = performance.now();\n', 'as parameters'],
    ['export const x = Date.now();\n', 'clock as a parameter'],
    ['export const x = new Date();\n', 'clock as a parameter'],
    ['export const x = setTimeout(() => undefined, 1);\n', 'as parameters'],
    ['export const x = Math.random();\n', 'deterministic'],
    ['export const x = crypto.randomUUID();\n', 'deterministic'],
    ["export const x = await fetch('https://example.org');\n", 'as parameters'],
    ["export const x = localStorage.getItem('memory');\n", 'as parameters'],
    ["export const x = globalThis.localStorage.getItem('memory');\n", 'not even through globalThis'],
    ['export const x = import.meta.url;\n', 'where its files are'],
  ];

  it.each(PROBES)('src/core/pgp/probe.ts: %s', async (source, expected) => {
    expect(await messages('src/core/pgp/probe.ts', source)).toEqual([expect.stringContaining(expected)]);
  });

  it.each(['src/core/probe.ts', 'src/core/policy/diff/probe.ts'])('%s: the same rule at its own depth', async (file) => {
    const up = '../'.repeat(file.split('/').length - 2);
    expect(await messages(file, `import { readText } from '${up}io/files.ts';\nexport const x = readText;\n`)).toEqual([
      expect.stringContaining('imports only the core'),
    ]);
  });

  it('the core may import the core (src/core/site/ is not src/site/), packages, and a clock given as a parameter', async () => {
    const source =
      "import { z } from 'zod';\nimport { REASONS } from '../verify/reasons.ts';\nimport { canaryStatus } from '../site/canary-status.ts';\nexport const x = (now: Date) => [z, REASONS, canaryStatus, new Date(now.getTime())];\n";
    expect(await messages('src/core/pgp/probe.ts', source)).toEqual([]);
  });
});

describe('.astro files are linted', () => {
  it('an Astro component gets the Astro rules', async () => {
    const source = '---\nconst x = "a";\n---\n<div set:text={x} set:html={x}></div>\n';
    expect(await messages('src/site/components/Probe.astro', source)).toEqual([
      expect.stringContaining("conflicts with 'set:html'"),
      expect.stringContaining("conflicts with 'set:text'"),
    ]);
  });
});
