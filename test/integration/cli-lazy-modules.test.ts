/**
 * colorjs.io (the branding colours' WCAG contrast) is loaded by the commands that check or
 * render the site, and by no other: a stale node_modules/ without it once broke
 * `candor keys generate`. The shipped bin runs in a child process with a load hook
 * (test/fixtures/hooks/record-modules.mjs) that lists every module Node loads.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candor } from '../helpers/candor-bin.ts';

const HOOK = path.resolve(import.meta.dirname, '../fixtures/hooks/record-modules.mjs');
const NOW = '2026-12-01T09:00:00Z';
let dir: string;
let root: string;
let runs = 0;

/** Runs candor in the repository; resolves with its result and the modules it loaded. */
async function traced(args: string[], env: NodeJS.ProcessEnv = {}) {
  const log = path.join(dir, `modules-${runs++}.txt`);
  await writeFile(log, '');
  const r = await candor(['--root', root, '--now', NOW, ...args], {
    cwd: root,
    env: { NODE_OPTIONS: `--import=${pathToFileURL(HOOK).href}`, CANDOR_TEST_MODULE_LOG: log, ...env },
  });
  const modules = (await readFile(log, 'utf8')).split('\n').filter(Boolean);
  return { ...r, modules, colorjs: modules.filter((m) => m.includes('/node_modules/colorjs.io/')) };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'candor-lazy-'));
  root = path.join(dir, 'repo');
  const init = await candor(['init', root, '--yes', '--name', 'Lazy Mail', '--url', 'https://lazy.example', '--parts', 'policies'], { cwd: dir });
  expect(init.code, init.out + init.err).toBe(0);
  const service = path.join(root, 'content', 'service.yml');
  await writeFile(service, `${await readFile(service, 'utf8')}branding:\n  colors: { accent: "#0b5394", background: "#fdfdf8" }\n`);
}, 60_000);
afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('colorjs.io is loaded only where contrast is measured', () => {
  it('candor check measures the colours, and so loads it (the hook sees every module)', async () => {
    const r = await traced(['check']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.modules.some((m) => m.endsWith('/src/cli/main.ts'))).toBe(true);
    expect(r.colorjs.length).toBeGreaterThan(0);
  });

  it('candor policy list does not load it', async () => {
    const r = await traced(['policy', 'list']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('privacy');
    expect(r.modules.length).toBeGreaterThan(50);
    expect(r.colorjs).toEqual([]);
  });

  it('candor keys generate does not load it', async () => {
    const out = path.join(dir, 'ada.private.asc');
    const r = await traced(['keys', 'generate', '--name', 'Ada Moreau', '--out', out], { CANDOR_PASSPHRASE: 'correct horse battery staple' });
    expect(r.code, r.out + r.err).toBe(0);
    expect(await readFile(out, 'utf8')).toContain('-----BEGIN PGP PRIVATE KEY BLOCK-----');
    expect(r.colorjs).toEqual([]);
  }, 60_000);
});
