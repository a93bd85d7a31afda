/**
 * `candor watch` as shipped (the bin in a child process) against sites on 127.0.0.1: a
 * Candor site (attestation, heartbeat, keys), and two plain signed canaries of other shapes
 * (cleartext-signed with "Field: value" dates; a detached signature with the date in a
 * sentence and no stated expiry), through a scripted sequence of weeks. Every run is done
 * twice: each transition is reported by the first and never again.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureResponse, type FixtureServer } from '../helpers/fixture-server.ts';
import { startReceiver, type Receiver } from '../helpers/notify.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { at, DAY, HOUR, makeKey, makeWorld, T0, type Issued, type TestKey, type World } from '../helpers/world.ts';

const WEEK = 7 * DAY;
const iso = (d: Date) => d.toISOString();
const day = (d: Date) => iso(d).slice(0, 10);

/** What each path answers right now: the test changes it between weeks. */
const served: Record<string, FixtureResponse> = {};
let server: FixtureServer;
let hook: Receiver;
let smtp: TestSmtp;
let watcherKey: TestKey;
const HOOK_SECRET = 'watch-hook-secret';
let dir: string;
let world: World;
let relayKey: TestKey;
let vpnKey: TestKey;
let vpnKey2: TestKey;

const RELAY_STATEMENTS = [
  'We have received no National Security Letter.',
  'No court has ordered us to stay silent about a request.',
  'No one has taken our servers.',
];

/** Shape A: cleartext-signed, dates on "Field: value" lines, statements as " * " bullets. */
async function relayCanary(issued: Date, statements = RELAY_STATEMENTS, key = relayKey): Promise<string> {
  const text = [
    `Example Relay canary`,
    `Issued: ${day(issued)}`,
    `Next update due: ${day(at(14 * DAY, issued))}`,
    '',
    ...statements.map((s) => ` * ${s}`),
    '',
  ].join('\n');
  return openpgp.sign({ message: await openpgp.createCleartextMessage({ text }), signingKeys: key.privateKey, date: issued });
}

/** Shape B: a plain text with a detached signature, the date in a sentence, numbered statements, no expiry stated. */
async function vpnCanary(issued: Date, key = vpnKey): Promise<{ text: string; sig: string }> {
  const date = issued.toLocaleDateString('en-GB', { day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC' });
  const text = `WARRANT CANARY of Example VPN -- written on ${date}\n\n1. We keep no logs that a warrant could ask for.\n2. We have not been asked to add a backdoor.\n`;
  const sig = await openpgp.sign({ message: await openpgp.createMessage({ text }), signingKeys: key.privateKey, detached: true, date: issued });
  return { text, sig: sig as string };
}

function serveCandor(att: Issued<AttestationData>, hb: Issued<HeartbeatData> | undefined): void {
  served['/lumen/canary.txt'] = { body: att.file };
  if (hb) served['/lumen/heartbeat.txt'] = { body: hb.file };
}
async function serveRelay(issued: Date, statements?: string[]): Promise<void> {
  served['/relay/canary.txt'] = { body: await relayCanary(issued, statements) };
}
async function serveVpn(issued: Date, key?: TestKey): Promise<void> {
  const { text, sig } = await vpnCanary(issued, key);
  served['/vpn/canary.txt'] = { body: text };
  served['/vpn/canary.txt.sig'] = { body: sig };
}

async function watch(now: Date, extra: string[] = []) {
  const r = await candor(
    ['watch', '--list', path.join(dir, 'watch.yml'), '--state', path.join(dir, 'state'), '--out', path.join(dir, 'out'), '--json', '--now', iso(now), ...extra],
    { env: { WATCH_HOOK_SECRET: HOOK_SECRET, CANDOR_SIGNING_KEY: watcherKey.privateArmored } },
  );
  const json = r.out ? JSON.parse(r.out) : undefined;
  return { code: r.code, err: r.err, json, kinds: (json?.events ?? []).map((e: { site: string; kind: string }) => `${e.site}:${e.kind}`) as string[] };
}

/** Runs the watch twice at `now`: the second run must say nothing new, with the same exit code. */
async function week(now: Date) {
  const first = await watch(now);
  expect(first.err).toBe('');
  const again = await watch(now);
  expect(again.kinds).toEqual([]);
  expect(again.code).toBe(first.code);
  return first;
}

beforeAll(async () => {
  world = await makeWorld();
  [relayKey, vpnKey, vpnKey2] = await Promise.all([makeKey('Relay'), makeKey('VPN'), makeKey('VPN new')]);
  // Every path answers what `served` holds for it at the time of the request.
  server = await startFixtureServer(new Proxy({}, { get: (_, p: string) => () => served[p] ?? { status: 404, body: 'Not found' } }));
  for (const k of [...world.signers, world.ci, world.panic]) served[`/lumen/keys/${k.ref.fingerprint}.asc`] = { body: k.publicArmored };
  Object.assign(served, {
    '/relay/key.asc': { body: relayKey.publicArmored },
    '/vpn/key.asc': { body: `${vpnKey.publicArmored}\n` },
  });
  hook = await startReceiver(HOOK_SECRET);
  smtp = await startSmtp();
  watcherKey = await makeKey('Watcher');
  dir = await mkdtemp(path.join(tmpdir(), 'candor-watch-'));
  await writeFile(path.join(dir, 'relay.asc'), relayKey.publicArmored);
  await writeFile(
    path.join(dir, 'watch.yml'),
    [
      'sites:',
      `  - { name: lumen, kind: candor, url: "${server.url}/lumen/", pins: [${world.pins.join(', ')}], intervalHours: 0 }`,
      `  - name: relay`,
      `    kind: signed-text`,
      `    url: ${server.url}/relay/canary.txt`,
      `    pins: [${relayKey.ref.fingerprint}]`,
      `    keys: [${path.join(dir, 'relay.asc')}]`,
      `    intervalHours: 0`,
      `    rule:`,
      `      issued: { field: Issued }`,
      `      expires: { field: Next update due }`,
      `      statements: { regex: '^ \\* (.+)$' }`,
      `  - name: vpn`,
      `    kind: signed-text`,
      `    url: ${server.url}/vpn/canary.txt`,
      `    signature: ${server.url}/vpn/canary.txt.sig`,
      `    tofu: true`,
      `    keys: [${server.url}/vpn/key.asc]`,
      `    intervalHours: 0`,
      `    rule:`,
      `      issued: { regex: 'written on (.+)$' }`,
      `      expiresAfterDays: 10`,
      `      statements: { regex: '^\\d+\\. (.+)$' }`,
      'alerts:',
      `  webhooks: [{ url: "${hook.url}", secretEnv: WATCH_HOOK_SECRET }]`,
      `  email: { host: 127.0.0.1, port: ${smtp.port}, security: none, from: "Watch <watch@example.org>", to: [me@example.org] }`,
    ].join('\n'),
  );
});

afterAll(async () => {
  await server?.close();
  await hook?.close();
  await smtp?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('candor watch through weeks', () => {
  let att1: Issued<AttestationData>;
  let att2: Issued<AttestationData>;
  let hb: Issued<HeartbeatData>;
  const weekStart = (n: number) => at(n * WEEK);
  const check = (n: number, hours = 2) => at(n * WEEK + hours * HOUR);

  it('week 0: the first check of each site is one "watching" event; tofu is shown as such', async () => {
    att1 = await world.attest({ now: T0 });
    hb = await world.heartbeat(att1, { now: at(HOUR) });
    serveCandor(att1, hb);
    await serveRelay(weekStart(0));
    await serveVpn(weekStart(0));
    const r = await week(check(0));
    expect(r.kinds).toEqual(['lumen:watching', 'relay:watching', 'vpn:watching']);
    expect(r.code).toBe(0);
    const vpn = r.json.events.find((e: { site: string }) => e.site === 'vpn');
    expect(vpn.message).toContain(`trusted on first use: ${vpnKey.ref.fingerprint}`);
    expect(vpn.message).toContain('by the watch rule: the canary states no expiry');
    expect(r.json.sites.map((s: { state: { status: string } }) => s.state.status)).toEqual(['alive', 'alive', 'alive']);
  });

  it('week 1: renewals everywhere say nothing', async () => {
    hb = await world.heartbeat(att1, { now: at(WEEK + HOUR), previous: hb });
    serveCandor(att1, hb);
    await serveRelay(weekStart(1));
    await serveVpn(weekStart(1));
    const r = await week(check(1));
    expect(r.kinds).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('week 2: the Candor heartbeat lapses (stale, exit 2)', async () => {
    await serveRelay(weekStart(2));
    await serveVpn(weekStart(2));
    const r = await week(check(2));
    expect(r.kinds).toEqual(['lumen:stale']);
    expect(r.code).toBe(2);
  });

  it('week 3: renewed (back to alive); the relay removes a statement (tripped, exit 1)', async () => {
    att2 = await world.attest({ now: at(3 * WEEK), previous: att1 });
    hb = await world.heartbeat(att2, { now: at(3 * WEEK + HOUR), previous: hb });
    serveCandor(att2, hb);
    await serveRelay(weekStart(3), RELAY_STATEMENTS.slice(0, 2));
    await serveVpn(weekStart(3));
    const r = await week(check(3));
    expect(r.kinds).toEqual(['lumen:alive', 'relay:statement-changed', 'relay:tripped']);
    expect(r.code).toBe(1);
  });

  it('week 4: the VPN signs with a new key: held until accepted, then trusted', async () => {
    hb = await world.heartbeat(att2, { now: at(4 * WEEK + HOUR), previous: hb });
    serveCandor(att2, hb);
    served['/vpn/key.asc'] = { body: `${vpnKey.publicArmored}\n${vpnKey2.publicArmored}\n` };
    await serveVpn(weekStart(4), vpnKey2);
    const r = await week(check(4));
    expect(r.kinds).toEqual(['vpn:held']);
    expect(r.code).toBe(1);
    const accepted = await candor([
      'watch',
      'accept',
      'vpn',
      '--list',
      path.join(dir, 'watch.yml'),
      '--state',
      path.join(dir, 'state'),
      '--now',
      iso(check(4, 3)),
    ]);
    expect(accepted.code, accepted.err).toBe(0);
    const after = await week(check(4, 4));
    expect(after.kinds).toEqual(['vpn:key-changed', 'vpn:alive']);
  });

  it('week 5: the Candor site is down for days: unknown once, never stale', async () => {
    delete served['/lumen/canary.txt'];
    served['/lumen/canary.txt'] = { status: 503, body: 'down' };
    await serveRelay(weekStart(5), RELAY_STATEMENTS.slice(0, 2));
    await serveVpn(weekStart(5), vpnKey2);
    // One check a day (each run is a check: a rerun counts as a failed check too).
    const days = [];
    for (const d of [0, 1, 2, 3]) days.push(await watch(at(5 * WEEK + d * DAY + 2 * HOUR)));
    expect(days.map((r) => r.kinds)).toEqual([[], [], ['lumen:unknown'], []]);
    expect(days.map((r) => r.code)).toEqual([1, 1, 1, 1]);
    expect(days[2]!.json.events[0].message).toMatch(new RegExp(`^unknown since ${iso(check(5)).replace(/[.]/g, '\\.')}`));
    expect(days.flatMap((r) => r.kinds).some((k) => k.endsWith(':stale'))).toBe(false);
  });

  it('week 6: back (alive); then two sites serve an older canary than they did (invalid; the relay trip still decides the exit, 1)', async () => {
    hb = await world.heartbeat(att2, { now: at(6 * WEEK + HOUR), previous: hb });
    serveCandor(att2, hb);
    const back = await week(check(6));
    expect(back.kinds).toEqual(['lumen:alive']);
    serveCandor(att1, hb);
    await serveVpn(weekStart(3), vpnKey2);
    const r = await week(check(6, 3));
    expect(r.kinds).toEqual(['lumen:invalid', 'vpn:invalid']);
    expect(r.code).toBe(1);
    const vpn = r.json.sites.find((s: { name: string }) => s.name === 'vpn');
    expect(vpn.state.reasons[0].code).toBe('ROLLBACK');
  });

  it("the Candor site's state is candor verify's own: verify --state reads it", async () => {
    const state = JSON.parse(await readFile(path.join(dir, 'state', 'sites', 'lumen.verify.json'), 'utf8'));
    expect(state).toMatchObject({ version: 2, signers: [...world.pins].sort() });
    const log = JSON.parse(await readFile(path.join(dir, 'state', 'events.json'), 'utf8'));
    const ids = log.events.map((e: { id: string }) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('every transition was alerted exactly once on the webhook, signed', async () => {
    const log = JSON.parse(await readFile(path.join(dir, 'state', 'events.json'), 'utf8'));
    const accepted = hook.accepted();
    expect([...accepted.keys()].sort()).toEqual(log.events.map((e: { id: string }) => `watch:${e.id}`).sort());
    expect([...accepted.values()].every((n) => n === 1)).toBe(true);
    expect(hook.deliveries.every((d) => d.signatureOk)).toBe(true);
    const tripped = hook.deliveries.find((d) => d.event.endsWith('/tripped'))!;
    expect(JSON.parse(tripped.body)).toMatchObject({ kind: 'watch', site: 'relay', change: 'tripped' });
  });

  it("every transition was e-mailed exactly once, signed by the watcher's key", async () => {
    const log = JSON.parse(await readFile(path.join(dir, 'state', 'events.json'), 'utf8'));
    const raws = smtp.received.map((m) => m.raw.toString('utf8'));
    expect(raws).toHaveLength(log.events.length);
    const ids = raws.map((r) => /^Message-ID: (<[^>]+>)/im.exec(r)?.[1]);
    expect(new Set(ids).size).toBe(log.events.length);
    expect(raws.some((r) => /^Subject: .*Canary watch: relay tripped/im.test(r))).toBe(true);
  });

  it('--out writes the Atom feed (one entry per transition), the status page and its JSON', async () => {
    const feed = await readFile(path.join(dir, 'out', 'feed.xml'), 'utf8');
    const log = JSON.parse(await readFile(path.join(dir, 'state', 'events.json'), 'utf8'));
    const entries = [...feed.matchAll(/<entry>[\s\S]*?<id>([^<]+)<\/id>/g)].map((m) => m[1]);
    expect(entries).toHaveLength(log.events.length);
    expect(new Set(entries).size).toBe(entries.length);
    expect(feed).toContain('<title type="text">relay: tripped</title>');
    const status = JSON.parse(await readFile(path.join(dir, 'out', 'status.json'), 'utf8'));
    expect(status.sites.map((s: { name: string; status: string }) => `${s.name}:${s.status}`)).toEqual(['lumen:invalid', 'relay:tripped', 'vpn:invalid']);
    expect(status.sites[2].trust).toBe('trusted on first use');
    const html = await readFile(path.join(dir, 'out', 'index.html'), 'utf8');
    expect(html).toContain('<section id="site-relay" class="site tripped">');
    expect(html).not.toMatch(/<script/i);
  });
});
