/**
 * The golden suite of bad inputs: each case mutates a throwaway operator repository (the
 * demo's policies and reports, with generated keys: makeProject) and runs the shipped CLI.
 * Full stdout+stderr and the exit code are pinned in test/golden/files/errors/NAME.txt;
 * only temp paths, generated fingerprints and ports are normalised.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { candor, REPO } from '../../helpers/candor-bin.ts';
import type { FixtureRoute } from '../../helpers/fixture-server.ts';
import { makeProject, PASSPHRASE, type TestProject } from '../../helpers/project.ts';
import { makeKey, type TestKey } from '../../helpers/world.ts';

/** After every demo policy and report is published: a clock where the demo content is all valid. */
export const NOW = '2026-12-01T00:00:00Z';

export interface Base {
  project: TestProject;
  template: string;
  /** A key outside every policy of the project. */ outsider: TestKey;
}

export interface CaseContext {
  root: string;
  secrets: string;
  project: TestProject;
  outsider: TestKey;
  /** Rewrites a file under the root with `edit(text)`. */
  edit(rel: string, edit: (text: string) => string): Promise<void>;
  write(rel: string, text: string): Promise<void>;
  /** A URL of a local server started for the case (see cases' `server`). */
  url: string;
  /** Values a setup makes for the arguments (a port, a path). */
  vars: Record<string, string>;
}

export interface ErrorCase {
  name: string;
  /** The mutation of the repository. */
  setup?: (c: CaseContext) => Promise<void>;
  args: (c: CaseContext) => string[];
  now?: string;
  env?: NodeJS.ProcessEnv;
  /** Codes that must not appear: the cascade this case would cause if the cause were not reported once. */
  absent?: string[];
  /** Only warnings are expected: exit 0 is then right (the warning is what is pinned). */
  warnsOnly?: boolean;
  /** Routes of a local HTTP server, started for the case. */
  server?: Record<string, FixtureRoute>;
}

/** The base: makeProject's keys and canary.yml, the demo's policies and reports, each report signed. */
export async function makeBase(): Promise<Base> {
  const project = await makeProject();
  for (const folder of ['policies', 'transparency'])
    await cp(path.join(REPO, 'content', folder), path.join(project.root, 'content', folder), { recursive: true });
  await rm(path.join(project.root, 'content', 'policies', 'README.md'), { force: true });
  for (const id of ['2024-h1', '2024-h2', '2025-h1', '2025-h2', '2026-h1']) {
    const r = await project.cli(['report', 'sign', id, '--key', project.keyFile(project.signers[0]!)], { now: NOW });
    if (r.code !== 0) throw new Error(`report sign ${id}: ${r.err}`);
  }
  const check = await project.cli(['check'], { now: NOW });
  if (check.code !== 0) throw new Error(`the base must pass check: ${check.out}${check.err}`);
  const template = await mkdtemp(path.join(os.tmpdir(), 'candor-errors-template-'));
  await cp(project.root, template, { recursive: true });
  const outsider = await makeKey('Mallory', { created: new Date('2023-01-01T00:00:00Z') });
  return { project, template, outsider };
}

export function normalise(text: string, c: { root: string; secrets: string; project: TestProject; outsider: TestKey; url: string }): string {
  let out = text.split(c.root).join('<ROOT>').split(c.secrets).join('<SECRETS>');
  if (c.url) out = out.split(c.url).join('<SERVER>');
  for (const k of [...c.project.signers, c.project.ci, c.outsider])
    out = out.split(k.ref.fingerprint).join(`<FPR-${k.ref.name}>`).split(k.ref.fingerprint.toLowerCase()).join(`<fpr-${k.ref.name}>`);
  // Key IDs (the last 16 hex digits) as openpgp and gpg print them.
  for (const k of [...c.project.signers, c.project.ci, c.outsider])
    out = out.split(k.ref.fingerprint.slice(-16)).join(`<KEYID-${k.ref.name}>`).split(k.ref.fingerprint.slice(-16).toLowerCase()).join(`<KEYID-${k.ref.name}>`);
  // Ports of local servers started for the case (port 1, refused on purpose, stays).
  return out
    .split(os.tmpdir())
    .join('<TMP>')
    .replace(/127\.0\.0\.1:(?!1\b)\d+/g, '127.0.0.1:<PORT>');
}

export async function runCase(base: Base, kase: ErrorCase, url: string): Promise<{ code: number; text: string }> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'candor-errors-case-'));
  try {
    await cp(base.template, root, { recursive: true });
    const c: CaseContext = {
      root,
      secrets: base.project.secrets,
      project: base.project,
      outsider: base.outsider,
      url,
      vars: {},
      async edit(rel, fn) {
        const file = path.join(root, rel);
        await writeFile(file, fn(await readFile(file, 'utf8')));
      },
      async write(rel, text) {
        await writeFile(path.join(root, rel), text);
      },
    };
    await kase.setup?.(c);
    const r = await candor(['--root', root, '--now', kase.now ?? NOW, ...kase.args(c)], { cwd: root, env: { CANDOR_PASSPHRASE: PASSPHRASE, ...kase.env } });
    const text = normalise(`$ candor ${kase.args(c).join(' ')}\nexit ${r.code}\n--- stdout\n${r.out}--- stderr\n${r.err}`, {
      root,
      secrets: c.secrets,
      project: base.project,
      outsider: base.outsider,
      url,
    });
    return { code: r.code, text };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}
