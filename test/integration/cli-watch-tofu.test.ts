/**
 * A Candor site watched with trust on first use, as shipped: the first check trusts the
 * attestation's signers (fetched from the site as key material) and says so; an attestation
 * signed by a key not yet trusted is held (exit 4) until `candor watch accept`, and then the
 * key change is said once.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureResponse, type FixtureServer } from '../helpers/fixture-server.ts';
import { at, DAY, HOUR, makeKey, makeWorld, T0, type World } from '../helpers/world.ts';

const served: Record<string, FixtureResponse> = {};
let server: FixtureServer;
let dir: string;
let world: World;

async function watch(now: Date, args: string[] = []) {
  const list = ['--list', path.join(dir, 'watch.yml'), '--state', path.join(dir, 'state')];
  const r = await candor(['watch', ...args, ...list, ...(args.length ? [] : ['--json']), '--now', now.toISOString()]);
  return { ...r, json: args.length || !r.out ? undefined : JSON.parse(r.out) };
}

beforeAll(async () => {
  world = await makeWorld();
  server = await startFixtureServer(new Proxy({}, { get: (_, p: string) => () => served[p] ?? { status: 404, body: 'Not found' } }));
  for (const k of [...world.signers, world.ci, world.panic]) served[`/keys/${k.ref.fingerprint}.asc`] = { body: k.publicArmored };
  dir = await mkdtemp(path.join(tmpdir(), 'candor-watch-tofu-'));
  await writeFile(path.join(dir, 'watch.yml'), `sites:\n  - { name: lumen, kind: candor, url: "${server.url}/", tofu: true, intervalHours: 0 }\n`);
});
afterAll(async () => {
  await server?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('candor watch: a Candor site trusted on first use', () => {
  it('trusts the first signers, says so, follows the signer policy they signed, and holds a new key until accepted', async () => {
    const [a, b, c] = world.signers;
    const att1 = await world.attest({ now: T0, signWith: [a!, b!] });
    served['/canary.txt'] = { body: att1.file };
    const hb1 = await world.heartbeat(att1, { now: at(HOUR) });
    served['/heartbeat.txt'] = { body: hb1.file };
    const first = await watch(at(2 * HOUR));
    expect(first.err).toBe('');
    expect(first.json.events).toHaveLength(1);
    expect(first.json.events[0].message).toContain(`trusted on first use: ${[a!.ref.fingerprint, b!.ref.fingerprint].sort().join(', ')}`);
    expect(first.code).toBe(0);

    const att2 = await world.attest({ now: at(DAY), previous: att1, signWith: [a!, c!] });
    served['/canary.txt'] = { body: att2.file };
    const hb2 = await world.heartbeat(att2, { now: at(DAY + HOUR), previous: hb1 });
    served['/heartbeat.txt'] = { body: hb2.file };
    // C is in the signer policy the trusted attestation signed: the verifier's continuity, not a new key.
    const handover = await watch(at(DAY + 2 * HOUR));
    expect(handover.json.events.map((e: { kind: string }) => e.kind)).toEqual(['key-changed']);
    expect(handover.code).toBe(0);

    // D is in no attestation the watcher trusted: held.
    const d = await makeKey('Signer D');
    served[`/keys/${d.ref.fingerprint}.asc`] = { body: d.publicArmored };
    const config = { signers: { threshold: 2, keys: [a!.ref, d.ref] } };
    const att3 = await world.attest({ now: at(2 * DAY), previous: att2, signWith: [a!, d], config: { ...world.config, ...config } });
    served['/canary.txt'] = { body: att3.file };
    served['/heartbeat.txt'] = { body: (await world.heartbeat(att3, { now: at(2 * DAY + HOUR), previous: hb2 })).file };
    const held = await watch(at(2 * DAY + 2 * HOUR));
    expect(held.json.events.map((e: { kind: string }) => e.kind)).toEqual(['held']);
    expect(held.json.events[0].message).toContain(d.ref.fingerprint);
    expect(held.code).toBe(4);
    expect((await watch(at(2 * DAY + 3 * HOUR))).json.events).toEqual([]);

    const accepted = await watch(at(2 * DAY + 4 * HOUR), ['accept', 'lumen']);
    expect(accepted.code, accepted.err).toBe(0);
    const after = await watch(at(2 * DAY + 5 * HOUR));
    expect(after.json.events.map((e: { kind: string }) => e.kind)).toEqual(['key-changed', 'alive']);
    expect(after.code).toBe(0);
  });
});
