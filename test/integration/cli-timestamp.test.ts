/**
 * candor canary timestamp stamp / upgrade / verify, and the time bounds in candor verify,
 * through the installed CLI (a child process) against two local calendars and a local
 * esplora explorer. The chain is generated at regtest difficulty, so the runs that should
 * succeed lower the floor with --minimum-bits; the default floor refusing it is asserted.
 */
import path from 'node:path';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toHex } from '../../src/core/ots/bytes.ts';
import { leaves, parseDetached } from '../../src/core/ots/timestamp.ts';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { refusedUrl, type FixtureServer } from '../helpers/fixture-server.ts';
import { blockHash, bundleText, makeChain, unmined, type Chain } from '../helpers/ots-chain.ts';
import { sha256, startCalendar, startHeaderExplorer, type Calendar } from '../helpers/ots-servers.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { blockProof, HOUR, makeWorld, type Issued, type World } from '../helpers/world.ts';

const EASY = ['--minimum-bits', '207fffff'];
let p: TestProject;
let w: World;
let att: Issued<AttestationData>;
let calA: Calendar;
let calB: Calendar;
const servers: FixtureServer[] = [];
const archive = (name: string) => path.join(p.root, 'content', 'canary', 'archive', name);
const attFile = () => archive('attestation-000001.txt');
const hbFile = () => archive('heartbeat-000001.txt');
const NOW = new Date(Date.parse('2026-11-01T12:00:00Z') + 2 * HOUR).toISOString().replace('.000', '');

async function explorer(chain: Chain, tamper?: (height: number, hex: string) => string): Promise<string[]> {
  const server = await startHeaderExplorer(chain, tamper ? { tamper } : {});
  servers.push(server);
  return ['--explorer', `esplora=${server.url}/api`];
}

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  p = await makeProject();
  calA = await startCalendar();
  calB = await startCalendar();
  await mkdir(archive(''), { recursive: true });
  await writeFile(attFile(), att.file);
});
afterAll(async () => {
  await Promise.all([calA.close(), calB.close(), ...servers.map((s) => s.close())]);
  await p.cleanup();
});

describe('an attestation: stamped, pending, anchored, verified offline', () => {
  let root: Uint8Array;
  let chain: Chain;

  it('stamp: both calendars get a nonce-hashed commitment, never the document’s digest', async () => {
    const r = await p.cli(['canary', 'timestamp', 'stamp', '--calendar', calA.url, '--calendar', calB.url]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Stamped content/canary/archive/attestation-000001.txt');
    const proof = parseDetached(new Uint8Array(await readFile(`${attFile()}.ots`)));
    expect(toHex(proof.timestamp.msg)).toBe(toHex(sha256(new TextEncoder().encode(att.file))));
    expect(leaves(proof.timestamp).map((l) => l.attestation)).toEqual(
      expect.arrayContaining([
        { kind: 'pending', uri: calA.url },
        { kind: 'pending', uri: calB.url },
      ]),
    );
    for (const cal of [calA, calB]) {
      expect(cal.requests).toEqual(['POST /digest application/vnd.opentimestamps.v1']);
      expect(cal.submitted).toHaveLength(1);
      expect(cal.submitted[0]).not.toBe(toHex(proof.timestamp.msg));
    }
    const again = await p.cli(['canary', 'timestamp', 'stamp', '--calendar', calA.url, '--calendar', calB.url]);
    expect(again.code).toBe(0);
    expect(calA.submitted).toHaveLength(1); // already stamped: left alone
  });

  it('upgrade while the calendars wait for Bitcoin: pending, nothing written', async () => {
    const r = await p.cli(['canary', 'timestamp', 'upgrade', '--calendar', calA.url, '--calendar', calB.url, '--explorer', 'esplora=http://127.0.0.1:1/api']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Pending content/canary/archive/attestation-000001.txt');
    expect(calA.requests.at(-1)).toMatch(/^GET \/timestamp\/[0-9a-f]+ application\/vnd\.opentimestamps\.v1$/);
    expect(existsSync(`${attFile()}.ots-headers`)).toBe(false);
  });

  it('upgrade once mined, with the default floor: refused, nothing written (regtest headers)', async () => {
    root = calA.mine(900_012);
    chain = makeChain({ start: 900_000, count: 14, roots: { 900_012: root } });
    const r = await p.cli(['canary', 'timestamp', 'upgrade', '--calendar', calA.url, '--calendar', calB.url, ...(await explorer(chain))]);
    expect(r.code).toBe(65);
    expect(r.err).toContain('TIMESTAMP_INVALID');
    expect(r.err).toContain('OTS_HEADER_DIFFICULTY_TOO_LOW');
    expect(existsSync(`${attFile()}.ots-headers`)).toBe(false);
  });

  it('upgrade once mined: shrunk to one Bitcoin attestation, the anchoring header recorded', async () => {
    const r = await p.cli(['canary', 'timestamp', 'upgrade', '--calendar', calA.url, '--calendar', calB.url, ...EASY, ...(await explorer(chain))]);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('Anchored content/canary/archive/attestation-000001.txt: existed by block 900012');
    const proof = parseDetached(new Uint8Array(await readFile(`${attFile()}.ots`)));
    expect(leaves(proof.timestamp).map((l) => l.attestation)).toEqual([{ kind: 'bitcoin', height: 900_012 }]);
    const bundle = JSON.parse(await readFile(`${attFile()}.ots-headers`, 'utf8')) as { start: number; headers: string[] };
    expect(bundle).toEqual({ format: 'candor-ots-headers/1', chain: 'bitcoin', start: 900_012, headers: [toHex(chain.headers[12]!)] });
  });

  it('verify offline: the bounds with the lowered floor, INVALID with the default one', async () => {
    const ok = await p.cli(['canary', 'timestamp', 'verify', ...EASY]);
    expect(ok.code, ok.err).toBe(0);
    expect(ok.out).toContain(`attestation-000001.txt: existed by block 900012 (`);
    const strict = await p.cli(['canary', 'timestamp', 'verify']);
    expect(strict.code).toBe(3);
    expect(strict.out).toContain('OTS_HEADER_DIFFICULTY_TOO_LOW');
  });

  it('candor verify prints the time bounds beside the verdict, and fails closed on a tampered header', async () => {
    const keyring = path.join(p.root, 'reader-keys');
    await mkdir(keyring, { recursive: true });
    for (const k of [...w.signers, w.ci, w.panic]) await writeFile(path.join(keyring, `${k.ref.fingerprint}.asc`), k.publicArmored);
    const hb = await w.heartbeat(att);
    const hbPath = path.join(p.root, 'heartbeat.txt');
    await writeFile(hbPath, hb.file);
    const args = ['verify', attFile(), '--heartbeat', hbPath, '--keyring', keyring, '--keys', w.pins.join(','), ...EASY];
    const r = await p.cli(args, { now: NOW });
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out).toContain('Timestamp (attestation): existed by block 900012');
    const json = await p.cli([...args, '--json'], { now: NOW });
    expect(json.code, json.out).toBe(0);
    const parsed = JSON.parse(json.out) as { verdict: string; timestamps: { subject: string; ok: boolean; bounds: { notAfter: { height: number } } }[] };
    expect(parsed.verdict).toBe('alive');
    expect(parsed.timestamps.map((t) => [t.subject, t.ok, t.bounds.notAfter.height])).toEqual([['attestation', true, 900_012]]);
    const headersFile = `${attFile()}.ots-headers`;
    const genuine = await readFile(headersFile, 'utf8');
    await writeFile(headersFile, bundleText({ start: 900_012, headers: [unmined(chain.headers[12]!)] }));
    const tampered = await p.cli(args, { now: NOW });
    expect(tampered.code).toBe(3);
    expect(tampered.out).toContain('Timestamp (attestation): INVALID');
    expect(tampered.out).toContain('OTS_HEADER_POW_INVALID');
    // Anchored but its headers not fetched yet (the upgrade step writes them second): pending, which proves nothing and fails nothing.
    await rm(headersFile);
    const pending = await p.cli(args, { now: NOW });
    expect(pending.code, pending.out).toBe(0);
    expect(pending.out).toContain('Timestamp (attestation): pending (in a Bitcoin block; the block headers are not published yet)');
    await writeFile(headersFile, genuine);
  });
});

describe('a heartbeat: issued between its freshness block and the anchoring block', () => {
  it('stamps with one calendar, skips a calendar not on the whitelist, then anchors with the headers from the freshness block', async () => {
    const calC = await startCalendar();
    try {
      // The freshness block comes first: the heartbeat names it before anything is stamped.
      const first = makeChain({ start: 900_100, count: 1, time: 1_795_100_000 }).headers[0]!;
      const freshness = blockProof(new Date(Date.parse(att.data.issued) + HOUR), { height: 900_100, hash: blockHash(first) });
      const heartbeat = await w.heartbeat(att, { bitcoin: freshness });
      await writeFile(hbFile(), heartbeat.file);
      // The archive's attestation already has its proof: only the heartbeat is stamped.
      const stamp = await p.cli(['canary', 'timestamp', 'stamp', '--heartbeats', '--calendar', calC.url, '--min-calendars', '1', '--timeout', '5']);
      expect(stamp.out).not.toContain('attestation-000001');
      expect(stamp.code, stamp.err).toBe(0);
      const root = calC.mine(900_105);
      const rest = makeChain({ start: 900_101, count: 7, time: 1_795_100_600, roots: { 900_105: root }, prev: sha256(sha256(first)) });
      const full: Chain = { start: 900_100, headers: [first, ...rest.headers] };
      const ex = await explorer(full);
      const skipped = await p.cli(['canary', 'timestamp', 'upgrade', hbFile(), ...EASY, ...ex]);
      expect(skipped.code, skipped.err).toBe(0);
      expect(skipped.err).toContain('not on the whitelist');
      expect(calC.requests.some((r) => r.startsWith('GET'))).toBe(false);
      const r = await p.cli(['canary', 'timestamp', 'upgrade', '--heartbeats', '--whitelist', calC.url, '--timeout', '5', ...EASY, ...ex]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/issued between block 900100 \(\S+\) and block 900105 \(\S+\)/);
      const bundle = JSON.parse(await readFile(`${hbFile()}.ots-headers`, 'utf8')) as { start: number; headers: string[] };
      expect([bundle.start, bundle.headers.length]).toEqual([900_100, 6]);
      const check = await p.cli(['canary', 'timestamp', 'verify', '--heartbeats', ...EASY]);
      expect(check.code, check.out).toBe(0);
      expect(check.out).toMatch(/attestation-000001\.txt: existed by block 900012/);
      expect(check.out).toMatch(/heartbeat-000001\.txt: issued between block 900100/);
    } finally {
      await calC.close();
    }
  });

  it('--if-configured (the publish job): nothing without a timestamps section, the configured calendars with one', async () => {
    const calD = await startCalendar();
    try {
      const file = path.join(p.root, 'configured.txt');
      await writeFile(file, 'a document\n');
      const off = await p.cli(['canary', 'timestamp', 'stamp', file, '--if-configured']);
      expect(off.code, off.err).toBe(0);
      expect(existsSync(`${file}.ots`)).toBe(false);
      await p.writeConfig((c) => {
        c['timestamps'] = { calendars: [calD.url], minCalendars: 1 };
      });
      const on = await p.cli(['canary', 'timestamp', 'stamp', file, '--if-configured']);
      expect(on.code, on.err).toBe(0);
      expect(calD.submitted).toHaveLength(1);
      expect(existsSync(`${file}.ots`)).toBe(true);
      const pending = await p.cli(['canary', 'timestamp', 'upgrade', file, '--if-configured', '--explorer', 'esplora=http://127.0.0.1:1/api']);
      expect(pending.code, pending.err).toBe(0);
      expect(pending.out).toContain('Pending configured.txt');
      expect(calD.requests.at(-1)).toMatch(/^GET \/timestamp\//);
    } finally {
      await p.writeConfig();
      await calD.close();
    }
  });

  it('a stamp no calendar takes fails with NOT_ENOUGH_CALENDARS (exit 69) and writes nothing', async () => {
    const file = path.join(p.root, 'other.txt');
    await writeFile(file, 'another document\n');
    const r = await p.cli(['canary', 'timestamp', 'stamp', file, '--calendar', await refusedUrl(), '--calendar', await refusedUrl()]);
    expect(r.code).toBe(69);
    expect(r.err).toContain('NOT_ENOUGH_CALENDARS');
    expect(existsSync(`${file}.ots`)).toBe(false);
  });
});
