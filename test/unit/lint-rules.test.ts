/** The project's own ESLint rules catch what they are for, checked on probe sources. */
import path from 'node:path';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(import.meta.dirname, '../..');
const eslint = new ESLint({ cwd: repo });

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
