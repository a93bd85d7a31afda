/**
 * The workflow `candor watch init` writes, run as written through the local runner
 * (test/runner/) in a watcher's own repository: candor as that repository gets it (npm
 * pack of this checkout, locked and installed by the workflow's own `npm ci`, offline),
 * over scheduled runs against a signed canary on 127.0.0.1. Each run commits the state
 * (a lapse included), so the next run remembers it: an alert goes out once, and a rerun of
 * the same schedule sends nothing again.
 */
import { copyFile, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureResponse, type FixtureServer } from '../helpers/fixture-server.ts';
import { startReceiver, type Receiver } from '../helpers/notify.ts';
import { lockTo, packCandor } from '../helpers/packed.ts';
import { makeKey, type TestKey } from '../helpers/world.ts';
import { git } from '../runner/git.ts';
import { startLocalGitHub, type LocalGitHub, type Run } from '../runner/runner.ts';

const CRON = '17 */6 * * *';
const SECRET = 'watch-workflow-hook-secret';
const at = (iso: string) => new Date(iso);
const served: Record<string, FixtureResponse> = {};
let server: FixtureServer;
let hook: Receiver;
let gh: LocalGitHub;
let key: TestKey;
let tmp: string;

async function serveCanary(issued: string, expires: string): Promise<void> {
  const text = `Example canary\nIssued: ${issued}\nExpires: ${expires}\n\n * We have received no secret order.\n`;
  served['/canary.txt'] = {
    body: await openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key.privateKey, date: new Date(issued) }),
  };
}

async function scheduled(when: string): Promise<Run> {
  const runs = await gh.trigger({ event: 'schedule', cron: CRON, at: at(when) });
  expect(runs.map((r) => r.workflow.file)).toEqual(['watch.yml']);
  return runs[0]!.done;
}

/** A file of the watch repository's main branch, as the last run committed it. */
const committed = (file: string) => git(['-C', gh.git.bare(gh.repository), 'show', `main:${file}`]);
const stepOutcomes = (run: Run) => run.jobs.get('watch')!.steps.map((s) => s.outcome);

beforeAll(async () => {
  key = await makeKey('Example canary');
  server = await startFixtureServer(new Proxy({}, { get: (_, p: string) => () => served[p] ?? { status: 404, body: 'Not found' } }));
  served['/key.asc'] = { body: key.publicArmored };
  hook = await startReceiver(SECRET);
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-watch-workflow-'));
  const repo = path.join(tmp, 'watch-repo');
  const init = await candor(['watch', 'init', repo]);
  expect(init.code, init.err).toBe(0);
  await git(['init', '--quiet', repo]);
  // The watcher's own list: one canary on 127.0.0.1, alerts by webhook.
  await writeFile(
    path.join(repo, 'watch.yml'),
    [
      'sites:',
      '  - name: example',
      '    kind: signed-text',
      `    url: ${server.url}/canary.txt`,
      `    pins: [${key.ref.fingerprint}]`,
      `    keys: [${server.url}/key.asc]`,
      '    intervalHours: 5',
      '    rule:',
      '      issued: { field: Issued }',
      '      expires: { field: Expires }',
      "      statements: { regex: '^ \\* (.+)$' }",
      'alerts:',
      `  webhooks: [{ url: "${hook.url}", secretEnv: WATCH_WEBHOOK_SECRET }]`,
      'page: { title: Our canaries, url: "https://watch.example.org/" }',
    ].join('\n'),
  );
  // candor as the repository's npm install would lock it: the packed tarball, committed beside.
  const packed = await packCandor();
  const tarball = path.join(repo, path.basename(packed.tarball));
  await copyFile(packed.tarball, tarball);
  await lockTo(repo, tarball);
  gh = await startLocalGitHub({
    repository: 'reader/watch',
    secrets: { WATCH_WEBHOOK_SECRET: SECRET, WATCH_SMTP_USER: '', WATCH_SMTP_PASSWORD: '', WATCH_SIGNING_KEY: '', WATCH_PASSPHRASE: '' },
  });
  await gh.seed(repo, { at: at('2026-11-30T12:00:00Z') });
}, 300_000);

afterAll(async () => {
  await gh?.close();
  await server?.close();
  await hook?.close();
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

describe('the watch workflow, scheduled', { timeout: 240_000 }, () => {
  it('runs every six hours', async () => {
    const times = await gh.schedules(at('2026-12-01T00:00:00Z'), at('2026-12-01T23:59:59Z'));
    expect(times.map((t) => t.at.toISOString().slice(11, 16))).toEqual(['00:17', '06:17', '12:17', '18:17']);
  });

  it('the first run watches the canary, alerts once and commits the state and the page', async () => {
    await serveCanary('2026-11-30T12:00:00Z', '2026-12-01T03:00:00Z');
    const run = await scheduled('2026-12-01T00:17:00Z');
    expect(run.conclusion, run.log().slice(-4000)).toBe('success');
    expect(run.jobs.get('watch')!.permissions).toEqual({ contents: 'write' });
    expect(run.jobs.get('watch')!.persistedCredentials).toBe(false);
    const state = JSON.parse(await committed('watch-state/sites/example.json'));
    expect(state.state.status).toBe('alive');
    expect(JSON.parse(await committed('watch-state/notifications/ledger.json'))).toBeTruthy();
    expect(await committed('status/index.html')).toContain('id="site-example"');
    expect([...hook.accepted().entries()].map(([id, n]) => `${id.split('/').at(-1)}:${n}`)).toEqual(['watching:1']);
  });

  it('the canary lapses: the run fails (exit 2), the state is committed anyway, the alert goes out once', async () => {
    const run = await scheduled('2026-12-01T06:17:00Z');
    expect(run.conclusion).toBe('failure');
    expect(stepOutcomes(run).at(-2)).toBe('failure');
    expect(stepOutcomes(run).at(-1)).toBe('success');
    expect(run.log()).toMatch(/STALE example/);
    expect(JSON.parse(await committed('watch-state/sites/example.json')).state.status).toBe('stale');
    expect([...hook.accepted().values()]).toEqual([1, 1]);
  });

  it('a rerun of that schedule, and the next one, send nothing again', async () => {
    const rerun = await scheduled('2026-12-01T06:17:00Z');
    expect(rerun.conclusion).toBe('failure');
    expect(rerun.log()).toMatch(/No change\./);
    const next = await scheduled('2026-12-01T12:17:00Z');
    expect(next.log()).toMatch(/No change\./);
    expect([...hook.accepted().values()]).toEqual([1, 1]);
    expect(hook.deliveries).toHaveLength(2);
    const ledger = await committed('watch-state/notifications/ledger.json');
    expect(ledger).toContain('stale');
  });

  it('renewed: back to alive, one alert, and the feed holds every event once', async () => {
    await serveCanary('2026-12-01T15:00:00Z', '2026-12-02T15:00:00Z');
    const run = await scheduled('2026-12-01T18:17:00Z');
    expect(run.conclusion, run.log().slice(-4000)).toBe('success');
    expect([...hook.accepted().keys()].map((id) => id.split('/').at(-1))).toEqual(['watching', 'stale', 'alive']);
    const feed = await committed('status/feed.xml');
    expect([...feed.matchAll(/<entry>/g)]).toHaveLength(3);
    const log = await git(['-C', gh.git.bare(gh.repository), 'log', '--format=%an %s', 'main']);
    expect(log.split('\n').filter((l) => l.startsWith('candor watch candor watch: state of'))).toHaveLength(5);
  });
});
