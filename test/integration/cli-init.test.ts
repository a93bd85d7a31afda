/**
 * candor init through the CLI as it runs here (bin/candor.mjs in a child process): the
 * questions answered on stdin, their defaults, --add on an existing repository, and the
 * refusals. test/shipped/package.test.ts runs the same command installed from the tarball.
 */
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { candor } from '../helpers/candor-bin.ts';
import { makeKey } from '../helpers/world.ts';

const NOW = '2026-12-01T09:00:00Z';
let tmp: string;
let keys: string[];

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-init-'));
  keys = await Promise.all(
    ['Ada Moreau', 'Bruno Keller', 'Lumen CI'].map(async (name, i) => {
      const file = path.join(tmp, `key-${i}.asc`);
      await writeFile(file, (await makeKey(name)).publicArmored);
      return file;
    }),
  );
});
afterAll(() => rm(tmp, { recursive: true, force: true }));

const run = (args: string[], input = '') => candor(['--now', NOW, ...args], { cwd: tmp, input });

describe('candor init asks, with defaults', () => {
  it('takes the answers from stdin and writes a repository that passes check', async () => {
    const dir = path.join(tmp, 'asked');
    const r = await run(['init', dir], ['Quiet Post', 'https://quiet.example', 'policies,reports,canary', `${keys[0]},${keys[1]}`, keys[2], ''].join('\n'));
    expect(r.code, r.err).toBe(0);
    for (const q of [
      "The service's name [Asked]:",
      "The site's address [https://example.org]:",
      'Parts to publish',
      "The signers' public key files",
      'Signatures needed',
    ])
      expect(r.out).toContain(q);
    const service = parse(await readFile(path.join(dir, 'content', 'service.yml'), 'utf8')) as { name: string; url: string };
    expect(service).toMatchObject({ name: 'Quiet Post', url: 'https://quiet.example' });
    const canary = parse(await readFile(path.join(dir, 'content', 'canary', 'canary.yml'), 'utf8')) as {
      signers: { threshold: number; keys: { name: string }[] };
    };
    expect(canary.signers.threshold).toBe(2);
    expect(canary.signers.keys.map((k) => k.name)).toEqual(['Ada Moreau', 'Bruno Keller']);
    const checked = await run(['--root', dir, 'check']);
    expect(checked.code, checked.out).toBe(0);
  });

  it('an empty answer takes the default; the end of stdin takes every remaining default', async () => {
    const dir = path.join(tmp, 'my-service');
    const r = await run(['init', dir], '\n');
    expect(r.code, r.err).toBe(0);
    const service = parse(await readFile(path.join(dir, 'content', 'service.yml'), 'utf8')) as { name: string; url: string };
    expect(service).toMatchObject({ name: 'My Service', url: 'https://example.org' });
    expect(existsSync(path.join(dir, 'content', 'transparency'))).toBe(true);
    expect(existsSync(path.join(dir, 'content', 'canary'))).toBe(false);
    // Reports chosen, none yet: a note, not an error (decision 0022); the part is published.
    const checked = await run(['--root', dir, 'check', '--json']);
    expect(checked.code, checked.out).toBe(0);
    expect((JSON.parse(checked.out) as { problems: { level: string; code: string }[] }).problems.map((p) => `${p.level} ${p.code}`)).toEqual([
      'note REPORTS_NONE_YET',
    ]);
  });

  it('--yes asks nothing', async () => {
    const dir = path.join(tmp, 'silent');
    const r = await run(['init', dir, '--yes', '--parts', 'policies']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).not.toContain('[');
    expect(existsSync(path.join(dir, 'content', 'transparency'))).toBe(false);
  });
});

describe('candor init --add', () => {
  it('adds reports, then refuses to add them twice', async () => {
    const dir = path.join(tmp, 'grows');
    expect((await run(['init', dir, '--yes', '--parts', 'policies'])).code).toBe(0);
    const policy = await readFile(path.join(dir, 'content', 'policies', 'privacy', '1.0.md'), 'utf8');
    const added = await run(['--root', dir, 'init', '--add', 'reports']);
    expect(added.code, added.err).toBe(0);
    expect(existsSync(path.join(dir, 'content', 'transparency', 'README.md'))).toBe(true);
    expect(added.out).toMatch(/add to content\/service\.yml:\ntransparency:\n {2}firstReportDue: "\d{4}-(01|07)-31"/);
    expect(await readFile(path.join(dir, 'content', 'policies', 'privacy', '1.0.md'), 'utf8')).toBe(policy);
    const again = await run(['--root', dir, 'init', '--add', 'reports']);
    expect(again.code).toBe(64);
    expect(again.err).toMatch(/^error INIT_PART_PRESENT: /);
  });
});

describe('candor init refuses', () => {
  it('a folder with files in it', async () => {
    const dir = path.join(tmp, 'taken');
    await mkdir(dir);
    await writeFile(path.join(dir, 'notes.txt'), 'mine\n');
    const r = await run(['init', dir, '--yes']);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/^error INIT_TARGET_NOT_EMPTY: .*taken: the folder is not empty/);
  });

  it('a canary without its keys, a private key for a signer, an unknown part', async () => {
    const none = await run(['init', path.join(tmp, 'k1'), '--yes', '--parts', 'canary']);
    expect(none.code).toBe(64);
    expect(none.err).toContain('--signer: a canary needs its keys');
    const privateKey = path.join(tmp, 'private.asc');
    await writeFile(privateKey, (await makeKey('Ada')).privateArmored);
    const priv = await run(['init', path.join(tmp, 'k2'), '--yes', '--parts', 'canary', '--signer', privateKey, '--ci-key', keys[2]!]);
    expect(priv.code).toBe(64);
    expect(priv.err).toContain('not a public key');
    const part = await run(['init', path.join(tmp, 'k3'), '--yes', '--parts', 'policies,blog']);
    expect(part.code).toBe(64);
    expect(part.err).toContain('--parts: not a part Candor publishes');
    for (const d of ['k1', 'k2', 'k3']) expect(existsSync(path.join(tmp, d)), d).toBe(false);
  });
});
