/**
 * Attacks on what a pin pins (decision 0009): a folder or a URL of the site that pins
 * every key in it, the CI heartbeat key standing as a signer, a key the site serves
 * vouching for itself. The forgery throughout: the CI key's thief issues a year-long
 * attestation naming the CI key its only signer.
 */
import path from 'node:path';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { makeKey, makeWorld, type Issued, type TestKey, type World } from '../helpers/world.ts';
import { folder, pinsArg, signerKeyArgs, siteRoutes, verifyCli, type Folder } from './cli.ts';
import { check } from './verify.ts';

let w: World;
let f: Folder;
let genuine: Issued<AttestationData>;
let genuineHb: Issued<HeartbeatData>;
let forged: Issued<AttestationData>;
let forgedHb: Issued<HeartbeatData>;
let real: FixtureServer;
let evil: FixtureServer;

const YEAR = { attestationLifetimeDays: 365, maxAttestationLifetimeDays: 366, warnDays: 14 };

beforeAll(async () => {
  w = await makeWorld();
  f = await folder(w);
  genuine = await w.attest();
  genuineHb = await w.heartbeat(genuine);
  forged = await w.attest({ config: { signers: { threshold: 1, keys: [w.ci.ref] }, cadence: YEAR }, lifetimeDays: 365, signWith: [w.ci] });
  forgedHb = await w.heartbeat(forged);
  real = await startFixtureServer(siteRoutes(w, { canary: genuine.file, heartbeat: genuineHb.file }));
  evil = await startFixtureServer(siteRoutes(w, { canary: forged.file, heartbeat: forgedHb.file }));
});
afterAll(async () => {
  await real.close();
  await evil.close();
  await f.cleanup();
});

describe('a heartbeat key is never a signer pin', () => {
  it('the CI key pinned with the signers: its year-long attestation naming itself the only signer is HEARTBEAT_KEY_AS_SIGNER, not ALIVE', async () => {
    const r = await check(w, { attestation: forged.file, heartbeat: forgedHb.file, pins: [...w.pins, w.ci.ref.fingerprint] });
    expect(r.codes).toContain('HEARTBEAT_KEY_AS_SIGNER');
    expect(r.codes).toContain('THRESHOLD_NOT_MET');
    expect(r.verdict).toBe('invalid');
  });

  it('nor when the forgery stops naming it a heartbeat key, if the verifier has seen it as one (its state)', async () => {
    const hidden = await w.attest({
      config: { signers: { threshold: 1, keys: [w.ci.ref] }, heartbeat: { ...w.config.heartbeat, keys: [] } },
      signWith: [w.ci],
    });
    const r = await check(w, { attestation: hidden.file, pins: [...w.pins, w.ci.ref.fingerprint], heartbeatKeys: [w.ci.ref.fingerprint] });
    expect(r.codes).toContain('HEARTBEAT_KEY_AS_SIGNER');
    expect(r.verdict).toBe('invalid');
  });

  it('an automated canary stays possible, but only when asked for by name (--automated): AUTOMATED_ONLY and a warning', async () => {
    const auto = await w.attest({ config: { signers: { threshold: 1, keys: [w.ci.ref] } }, signWith: [w.ci] });
    const hb = await w.heartbeat(auto);
    const refused = await check(w, { attestation: auto.file, heartbeat: hb.file, pins: [w.ci.ref.fingerprint] });
    expect(refused.codes).toContain('HEARTBEAT_KEY_AS_SIGNER');
    const accepted = await check(w, { attestation: auto.file, heartbeat: hb.file, pins: [], automated: [w.ci.ref.fingerprint] });
    expect(accepted.codes).toEqual(expect.arrayContaining(['AUTOMATED_ONLY', 'THRESHOLD_SINGLE']));
    expect(accepted.trust).toBe('automated');
    expect(accepted.verdict).toBe('alive');
    const a = await f.write('auto.txt', auto.file);
    const h = await f.write('auto-hb.txt', hb.file);
    const cli = await verifyCli([a, '--heartbeat', h, '--keyring', f.keysDir, '--automated', w.ci.ref.fingerprint]);
    expect(cli.codes).toContain('AUTOMATED_ONLY');
    expect(cli.code).toBe(0);
  });
});

describe('a folder or a bundle is not a pin', () => {
  it("--keys <a copy of the site's keys folder> is refused (exit 64): it holds the CI key too", async () => {
    const a = await f.write('forged.txt', forged.file);
    const h = await f.write('forged-hb.txt', forgedHb.file);
    const r = await verifyCli([a, '--heartbeat', h, '--keys', f.keysDir]);
    expect(r.verdict).toBeUndefined();
    expect(r.code).toBe(64);
    expect(r.err).toContain('--keyring');
  });

  it('a file holding several keys is refused as a pin (exit 64)', async () => {
    const bundle = await f.write('bundle.asc', [w.signers[0]!, w.ci].map((k) => k.publicArmored).join('\n'));
    const a = await f.write('genuine.txt', genuine.file);
    const r = await verifyCli([a, '--keys', bundle]);
    expect(r.code).toBe(64);
  });

  it('the same folder as --keyring, the signers pinned by fingerprint: the forgery is INVALID, the genuine canary ALIVE', async () => {
    const a = await f.write('forged.txt', forged.file);
    const h = await f.write('forged-hb.txt', forgedHb.file);
    const bad = await verifyCli([a, '--heartbeat', h, '--keyring', f.keysDir, ...pinsArg(w)]);
    expect(bad.codes).toContain('KEY_UNPINNED');
    expect(bad.code).toBe(3);
    const g = await f.write('genuine.txt', genuine.file);
    const gh = await f.write('genuine-hb.txt', genuineHb.file);
    const good = await verifyCli([g, '--heartbeat', gh, '--keyring', f.keysDir, ...pinsArg(w)]);
    expect(good.code, good.out + good.err).toBe(0);
  });

  it('--archive with a keys folder as --keys is refused too; with --keyring and fingerprints it verifies', async () => {
    const dir = path.join(f.dir, 'archive');
    await f.write('archive/attestation-000001.txt', genuine.file);
    await f.write('archive/heartbeat-000001.txt', genuineHb.file);
    expect((await verifyCli(['--archive', dir, '--keys', f.keysDir])).code).toBe(64);
    const ok = await verifyCli(['--archive', dir, '--keyring', f.keysDir, ...pinsArg(w)]);
    expect(ok.code, ok.out + ok.err).toBe(0);
  });
});

describe('a key fetched from the site being verified is never a pin (KEY_UNPINNED)', () => {
  it('--keys <site>/keys/<CI>.asc pins nothing: the forgery is INVALID, not ALIVE', async () => {
    const r = await verifyCli([`${evil.url}/`, '--keys', `${evil.url}/keys/${w.ci.ref.fingerprint}.asc`]);
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.verdict).toBe('invalid');
    expect(r.code).toBe(3);
  });

  it("nor the signers' keys fetched from the site by URL, whatever the path (./, another spelling of the host)", async () => {
    const port = new URL(real.url).port;
    const urls = [
      `${real.url}/keys/${w.signers[0]!.ref.fingerprint}.asc`,
      `${real.url}/./keys/../keys/${w.signers[1]!.ref.fingerprint}.asc`,
      `http://localhost:${port}/keys/${w.signers[2]!.ref.fingerprint}.asc`,
    ];
    const r = await verifyCli([`${real.url}/`, ...urls.flatMap((u) => ['--keys', u])]);
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.code).toBe(3);
  });

  it('in file mode too, for a key URL on the host the canary claims as its service (--service)', async () => {
    const a = await f.write('genuine.txt', genuine.file);
    const r = await verifyCli([
      a,
      '--service',
      real.url,
      '--keys',
      `${real.url}/keys/${w.signers[0]!.ref.fingerprint}.asc`,
      '--keys',
      `${real.url}/keys/${w.signers[1]!.ref.fingerprint}.asc`,
    ]);
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.code).toBe(3);
  });

  it('pinned by fingerprint, the same keys fetched from the site are key material: ALIVE', async () => {
    const r = await verifyCli([`${real.url}/`, ...pinsArg(w)]);
    expect(r.verdict).toBe('alive');
    expect(r.code).toBe(0);
  });

  it('a key file the verifier holds (one key each) is a pin: ALIVE', async () => {
    const a = await f.write('genuine.txt', genuine.file);
    const h = await f.write('genuine-hb.txt', genuineHb.file);
    const r = await verifyCli([a, '--heartbeat', h, ...signerKeyArgs(w, f)]);
    expect(r.code, r.out + r.err).toBe(0);
  });
});

describe('keys that a stranger adds', () => {
  let mallory: TestKey;
  beforeAll(async () => {
    mallory = await makeKey('Mallory');
  });

  it("a key added to the site's keys/ under a signer's name is never trusted: only the pinned fingerprint counts", async () => {
    const impostor = await w.attest({
      config: { signers: { threshold: 2, keys: [w.signers[0]!.ref, { name: 'Signer B', fingerprint: mallory.ref.fingerprint }] } },
      signWith: [w.signers[0]!, mallory],
    });
    const file = path.join(f.dir, 'impostor.txt');
    await writeFile(file, impostor.file);
    const r = await check(w, { attestation: impostor.file, keys: [...w.keys, mallory.publicKey], requireHeartbeat: false });
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.verdict).toBe('invalid');
  });
});
