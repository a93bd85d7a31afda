/**
 * `candor watch` when things go wrong, as shipped: a bad watch list, a state file that
 * cannot be used, an unknown site to accept (typed errors, exit 64/65, never 70), and a
 * site that hangs (cut off by its timeout, unknown; the other sites still checked).
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { makeKey, type TestKey } from '../helpers/world.ts';

let dir: string;
let server: FixtureServer;
let key: TestKey;
const NOW = '2026-11-02T00:00:00Z';

const run = (args: string[]) => candor(['watch', '--list', path.join(dir, 'watch.yml'), '--state', path.join(dir, 'state'), '--now', NOW, ...args]);

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'candor-watch-errors-'));
  key = await makeKey('Plain');
  const text = 'Date: 2026-11-01\nValid through: 2026-12-01\n- nothing to report\n';
  const signed = await openpgp.sign({
    message: await openpgp.createCleartextMessage({ text }),
    signingKeys: key.privateKey,
    date: new Date('2026-11-01T00:00:00Z'),
  });
  server = await startFixtureServer({
    '/ok.txt': { body: signed },
    '/key.asc': { body: key.publicArmored },
    '/hang.txt': { body: signed, delayMs: 5_000 },
  });
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

const site = (name: string, file: string) =>
  `  - { name: ${name}, kind: signed-text, url: "${server.url}/${file}", pins: [${key.ref.fingerprint}], keys: ["${server.url}/key.asc"], intervalHours: 0, unknownAfter: 1, rule: { issued: { field: Date }, expires: { field: Valid through }, statements: { regex: '^- (.+)$' } } }`;

describe('candor watch errors', () => {
  it('a missing watch list is exit 65 with its code', async () => {
    const r = await candor(['watch', '--list', path.join(dir, 'nope.yml'), '--state', path.join(dir, 'state')]);
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/^error FILE_MISSING: .*nope\.yml: cannot read the file/);
  });

  it('every problem of a bad watch list, each with a hint to docs/watch.md, exit 65', async () => {
    await writeFile(path.join(dir, 'watch.yml'), 'sites:\n  - { name: A, url: "https://a.example/", kind: rss }\n');
    const r = await run([]);
    expect(r.code).toBe(65);
    const errors = r.err.split('\n').filter((l) => l.startsWith('error '));
    expect(errors).toEqual([
      expect.stringMatching(/^error SCHEMA_INVALID: \S*watch\.yml: sites\[0\]\.name: not in the expected form/),
      expect.stringMatching(/^error SCHEMA_INVALID: \S*watch\.yml: sites\[0\]\.kind: not one of the allowed values/),
    ]);
    expect(r.err).toContain('expected: candor (a Candor site) or signed-text (an OpenPGP-signed text of another system): one of candor, signed-text');
    expect(r.err.match(/hint: See docs\/watch\.md#watchyml\./g)).toHaveLength(2);
  });

  it('a site that hangs is cut off by its timeout and is unknown; the others are still checked', async () => {
    await writeFile(
      path.join(dir, 'watch.yml'),
      ['sites:', site('ok', 'ok.txt'), site('hang', 'hang.txt'), 'checks: { timeoutSeconds: 1, retries: 0 }'].join('\n'),
    );
    const r = await run(['--json']);
    expect(r.err).toBe('');
    const json = JSON.parse(r.out);
    expect(json.events.map((e: { site: string; kind: string }) => `${e.site}:${e.kind}`)).toEqual(['ok:watching', 'hang:unknown']);
    expect(r.code).toBe(5);
  });

  it('an unknown site to accept is a usage error (64)', async () => {
    const r = await candor(['watch', 'accept', 'nobody', '--list', path.join(dir, 'watch.yml'), '--state', path.join(dir, 'state')]);
    expect(r.code).toBe(64);
    expect(r.err).toMatch(/^error ARGUMENT_INVALID: SITE: no such site in the watch list\n {2}expected: one of ok, hang\n {2}received: "nobody"/);
  });

  it('a state file that cannot be used stops the run (65), and nothing is overwritten', async () => {
    await mkdir(path.join(dir, 'state', 'sites'), { recursive: true });
    await writeFile(path.join(dir, 'state', 'sites', 'ok.json'), '{"version": 1, "site": "ok"');
    const r = await run([]);
    expect(r.code).toBe(65);
    expect(r.err).toMatch(/^error STATE_UNREADABLE: .*ok\.json: the watch state exists but cannot be used/);
    expect(r.err).toContain('docs/watch.md#the-state-folder');
    expect(await readFile(path.join(dir, 'state', 'sites', 'ok.json'), 'utf8')).toBe('{"version": 1, "site": "ok"');
  });
});
