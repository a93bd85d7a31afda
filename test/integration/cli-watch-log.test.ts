/**
 * `candor watch` (the bin in a child process) and a Candor site with a canary log on
 * 127.0.0.1, the log files written by the core's tile code under the shared contract
 * (/canary.json `log`, /canary/log/checkpoint and tiles, /canary.txt.tlog-proof): a log
 * that grows says nothing; a fork shown to this watcher (a different canary in a
 * different history: tripped), a rollback of the checkpoint, a canary the log does not
 * hold and a removed log (invalid) are each one alert, never repeated by a rerun; back to
 * the honest log is alive.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureResponse, type FixtureServer } from '../helpers/fixture-server.ts';
import { startReceiver, type Receiver } from '../helpers/notify.ts';
import { logFiles, makeLog, type TestLog } from '../helpers/tlog-site.ts';
import { at, DAY, HOUR, makeWorld, T0, type Issued, type World } from '../helpers/world.ts';

const WEEK = 7 * DAY;
const served: Record<string, FixtureResponse> = {};
let server: FixtureServer;
let hook: Receiver;
let dir: string;
let world: World;
let log: TestLog;
const SECRET = 'log-hook-secret';

type Doc = Issued<AttestationData> | Issued<HeartbeatData>;

/** The site serves `att` and `hb`, and a log of `entries` (documents, or other text for a fork) with their proofs. */
function serve(att: Issued<AttestationData>, hb: Issued<HeartbeatData>, entries: (Doc | string)[], opts: { proofsFrom?: (Doc | string)[] } = {}) {
  const bytes = (e: Doc | string) => (typeof e === 'string' ? e : e.file);
  const files = logFiles(log, entries.map(bytes));
  for (const key of Object.keys(served)) if (key.startsWith('/lumen/canary/log/')) delete served[key];
  for (const [p, b] of Object.entries(files.files)) served[`/lumen/canary/log/${p}`] = { body: Buffer.from(b), contentType: 'application/octet-stream' };
  served['/lumen/canary.txt'] = { body: att.file };
  served['/lumen/heartbeat.txt'] = { body: hb.file };
  const proofs = opts.proofsFrom ? logFiles(log, opts.proofsFrom.map(bytes)) : files;
  const list = (opts.proofsFrom ?? entries).map(bytes);
  served['/lumen/canary.txt.tlog-proof'] = { body: proofs.proof(Math.max(0, list.indexOf(att.file))) };
  served['/lumen/heartbeat.txt.tlog-proof'] = { body: proofs.proof(Math.max(0, list.indexOf(hb.file))) };
  served['/lumen/canary.json'] = {
    body: JSON.stringify({
      format: 'candor-canary-status/1',
      // As a built site says it: the service's own address. The watcher reads the log where it watches the site (127.0.0.1).
      log: { origin: log.origin, key: log.vkey, checkpoint: 'https://lumen-mail.example/canary/log/checkpoint' },
    }),
  };
}

async function watch(now: Date) {
  const r = await candor(['watch', '--list', path.join(dir, 'watch.yml'), '--state', path.join(dir, 'state'), '--json', '--now', now.toISOString()], {
    env: { LOG_HOOK_SECRET: SECRET },
  });
  const json = r.out ? JSON.parse(r.out) : undefined;
  const lumen = json?.sites.find((s: { name: string }) => s.name === 'lumen');
  return {
    ...r,
    json,
    kinds: (json?.events ?? []).map((e: { kind: string }) => e.kind) as string[],
    codes: (lumen?.state.reasons ?? []).map((x: { code: string }) => x.code) as string[],
  };
}

/** Twice at `now`: the rerun says nothing new. */
async function check(now: Date) {
  const first = await watch(now);
  expect(first.err).toBe('');
  const again = await watch(now);
  expect(again.kinds).toEqual([]);
  expect(again.code).toBe(first.code);
  return first;
}

const remembered = async () => JSON.parse(await readFile(path.join(dir, 'state', 'sites', 'lumen.json'), 'utf8')).state.log;

beforeAll(async () => {
  world = await makeWorld();
  log = makeLog('lumen-mail.example/canary/log');
  server = await startFixtureServer(new Proxy({}, { get: (_, p: string) => () => served[p] ?? { status: 404, body: 'Not found' } }));
  for (const k of [...world.signers, world.ci, world.panic]) served[`/lumen/keys/${k.ref.fingerprint}.asc`] = { body: k.publicArmored };
  hook = await startReceiver(SECRET);
  dir = await mkdtemp(path.join(tmpdir(), 'candor-watch-log-'));
  await writeFile(
    path.join(dir, 'watch.yml'),
    [
      'sites:',
      `  - { name: lumen, kind: candor, url: "${server.url}/lumen/", pins: [${world.pins.join(', ')}], intervalHours: 0 }`,
      'alerts:',
      `  webhooks: [{ url: "${hook.url}", secretEnv: LOG_HOOK_SECRET }]`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await server?.close();
  await hook?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('candor watch and a site with a canary log', () => {
  let att1: Issued<AttestationData>;
  let att2: Issued<AttestationData>;
  const hbs: Issued<HeartbeatData>[] = [];
  const heartbeat = async (att: Issued<AttestationData>, week: number) => {
    const hb = await world.heartbeat(att, { now: at(week * WEEK + HOUR), ...(hbs.length ? { previous: hbs.at(-1)! } : {}) });
    hbs.push(hb);
    return hb;
  };
  const when = (week: number, hours = 2) => at(week * WEEK + hours * HOUR);

  it('week 0: the first check verifies the checkpoint and remembers it', async () => {
    att1 = await world.attest({ now: T0 });
    const hb = await heartbeat(att1, 0);
    serve(att1, hb, [att1, hb]);
    const r = await check(when(0));
    expect(r.kinds).toEqual(['watching']);
    expect(r.code).toBe(0);
    expect(await remembered()).toMatchObject({ origin: log.origin, key: log.vkey, size: 2 });
    expect(r.json.sites[0].state.log).toMatchObject({ size: 2 });
  });

  it('week 1: the log grows with the renewal: consistent, nothing to say', async () => {
    const hb = await heartbeat(att1, 1);
    serve(att1, hb, [att1, ...hbs]);
    const r = await check(when(1));
    expect(r.kinds).toEqual([]);
    expect(r.code).toBe(0);
    expect((await remembered()).size).toBe(3);
  });

  it('week 2: a fork shown to this watcher (another canary, in a history that rewrites one it saw) trips it, once', async () => {
    const fake = await world.attest({ now: at(2 * WEEK), previous: att1 });
    const fakeHb = await world.heartbeat(fake, { now: at(2 * WEEK + HOUR), previous: hbs.at(-1)! });
    // Every signature is good: only the log shows that this is not the history seen before.
    serve(fake, fakeHb, [att1, hbs[0]!, 'a heartbeat that was never published\n', fake, fakeHb]);
    const r = await check(when(2));
    expect(r.kinds).toEqual(['tripped']);
    expect(r.code).toBe(1);
    expect(r.codes).toEqual(['LOG_FORK']);
    expect((await remembered()).size).toBe(3);
  });

  it('week 3: the honest log, grown: back to alive', async () => {
    att2 = await world.attest({ now: at(3 * WEEK), previous: att1 });
    const hb = await heartbeat(att2, 3);
    serve(att2, hb, [att1, hbs[0]!, hbs[1]!, att2, hb]);
    const r = await check(when(3));
    expect(r.kinds).toEqual(['alive']);
    expect((await remembered()).size).toBe(5);
  });

  it('week 4: the checkpoint rolled back to an older one is invalid (LOG_ROLLBACK)', async () => {
    const hb = await heartbeat(att2, 4);
    const honest = [att1, hbs[0]!, hbs[1]!, att2, hbs[2]!, hb];
    serve(att2, hb, honest.slice(0, 3), { proofsFrom: honest });
    const r = await check(when(4));
    expect(r.kinds).toEqual(['invalid']);
    expect(r.codes[0]).toBe('LOG_ROLLBACK');
    serve(att2, hb, honest);
    expect((await check(when(4, 3))).kinds).toEqual(['alive']);
  });

  it('week 5: a canary that the honest checkpoint does not hold is invalid (LOG_NOT_INCLUDED)', async () => {
    const hb = await heartbeat(att2, 5);
    const honest = [att1, hbs[0]!, hbs[1]!, att2, ...hbs.slice(2)];
    // A successor the verifier alone would take as alive: only the log says no one else was shown it.
    const other = await world.attest({ now: at(5 * WEEK), previous: att2 });
    const otherHb = await world.heartbeat(other, { now: at(5 * WEEK + HOUR), previous: hb });
    serve(other, otherHb, honest);
    const r = await check(when(5));
    expect(r.kinds).toEqual(['invalid']);
    expect(r.codes).toEqual(['LOG_NOT_INCLUDED', 'LOG_NOT_INCLUDED']);
  });

  it('week 6: the log removed from the site is invalid (LOG_REMOVED), not a quiet return to no log', async () => {
    const hb = await heartbeat(att2, 6);
    serve(att2, hb, [att1, hbs[0]!, hbs[1]!, att2, ...hbs.slice(2)]);
    expect((await check(when(6))).kinds).toEqual(['alive']);
    served['/lumen/canary.json'] = { body: JSON.stringify({ format: 'candor-canary-status/1' }) };
    const r = await check(when(6, 3));
    expect(r.kinds).toEqual(['invalid']);
    expect(r.codes[0]).toBe('LOG_REMOVED');
  });

  it('each of these transitions was alerted exactly once', async () => {
    const events = JSON.parse(await readFile(path.join(dir, 'state', 'events.json'), 'utf8')).events.map((e: { id: string }) => `watch:${e.id}`);
    const accepted = hook.accepted();
    expect([...accepted.keys()].sort()).toEqual([...events].sort());
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(events.map((id: string) => id.split('/').at(-1))).toEqual(['watching', 'tripped', 'alive', 'invalid', 'alive', 'invalid', 'alive', 'invalid']);
  });
});
