/**
 * Signatures made elsewhere (a signer's own gpg, Sequoia) read by candor. gpg runs with
 * a faked, frozen clock so that its keys and signatures fit the world's instants.
 */
import * as openpgp from 'openpgp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { KeyRef } from '../../src/core/canary/model.ts';
import { SigningError } from '../../src/core/errors.ts';
import { armorCleartext } from '../../src/core/pgp/armor.ts';
import { mergeDetachedSignature } from '../../src/core/pgp/sign.ts';
import { verifyCanary } from '../../src/core/verify/verify-canary.ts';
import { nodeCrypto } from '../../src/io/node-crypto.ts';
import { packetsOf } from '../helpers/tamper.ts';
import { GPG_DISTRUST, gpgStatus, requireTool, run, runOk, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';
import { DAY, HOUR, T0, at, makeWorld, type World } from '../helpers/world.ts';

interface ForeignKey {
  ref: KeyRef;
  publicKey: openpgp.Key;
}

let w: World;
let box: Sandbox;

beforeAll(async () => {
  w = await makeWorld();
});
beforeEach(() => void (box = sandbox()));
afterEach(() => box.remove());

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');
const stamp = (d: Date) => `${d.toISOString().replace(/[-:]|\.\d+Z$/g, '')}!`;

function gpg(args: string[], opts: { input?: string; now?: Date } = {}): Promise<string> {
  return runOk('gpg', ['--batch', '--no-tty', '--faked-system-time', stamp(opts.now ?? T0), ...args], {
    env: box.env,
    ...(opts.input === undefined ? {} : { input: opts.input }),
  });
}

async function gpgKey(name: string): Promise<ForeignKey> {
  const email = `${name.toLowerCase().replace(/\W+/g, '.')}@example.org`;
  await gpg(['--passphrase', '', '--quick-gen-key', `${name} <${email}>`, 'ed25519', 'sign', '1y'], { now: at(-DAY) });
  const publicKey = await openpgp.readKey({ armoredKey: await gpg(['--armor', '--export', email]) });
  return { ref: { name, fingerprint: publicKey.getFingerprint().toUpperCase() }, publicKey };
}

/** An attestation whose signer policy is `refs`; its file carries world signer A's signature only. */
async function attestation(refs: KeyRef[], threshold: number) {
  return w.attest({ config: { signers: { threshold, keys: refs } }, signWith: [w.signers[0]!] });
}

/** Through openpgp.js alone and through the CLI's fast path (decision 0005): both must agree. */
async function verify(file: string, extra: ForeignKey[]) {
  const input = {
    attestation: file,
    requireHeartbeat: false,
    keys: [...w.keys, ...extra.map((k) => k.publicKey)],
    pins: [...w.pins, ...extra.map((k) => k.ref.fingerprint)],
  };
  const result = await verifyCanary(input, { now: at(HOUR), skewSeconds: 300 });
  expect(await verifyCanary({ ...input, crypto: nodeCrypto }, { now: at(HOUR), skewSeconds: 300 })).toEqual(result);
  return result;
}

const codes = (r: { reasons: { code: string }[] }) => r.reasons.map((x) => x.code);

describe('gpg-made signatures', () => {
  let mine: ForeignKey;
  beforeEach(async (ctx) => {
    requireTool(ctx, 'gpg', 'gpgconf');
    mine = await gpgKey('Gpg Signer');
  });

  // Candor publishes only files it framed itself (decision 0001): gpg's own framing
  // (64-column base64, the old packet format) is refused as published, and its
  // signature counts once candor frames it.
  it('refuses gpg --clearsign of the prepared text as published (TEXT_OUTSIDE_SIGNED), and counts its signature once candor frames it', async () => {
    const att = await attestation([mine.ref], 1);
    // gpg takes the input's last line break as the frame's own; one more keeps the canonical final LF signed.
    const file = await gpg(['--clearsign'], { input: `${att.text}\n` });
    const asIs = await verify(file, [mine]);
    expect(codes(asIs)).toEqual(['TEXT_OUTSIDE_SIGNED']);
    expect(asIs.reasons[0]!.message).toMatch(
      /^the file is not exactly what candor writes for its signed text and signatures: line \d+ is ".*", expected 60 base64 characters/,
    );
    expect(asIs.verdict).toBe('invalid');
    const framed = await verify(armorCleartext(att.text, await packetsOf(file)), [mine]);
    // A 1-of-1 attestation: one signature is enough, which the verifier says (a warning, not a failure).
    expect(codes(framed)).toEqual(['THRESHOLD_SINGLE', 'HISTORY_UNCHECKED']);
    expect(framed.verdict).toBe('alive');
    expect(framed.attestation?.signatures).toMatchObject([{ status: 'good', fingerprint: mine.ref.fingerprint }]);
  });

  it('refuses gpg --clearsign of the canonical text as is: its final LF is not signed, even once candor frames it', async () => {
    const att = await attestation([mine.ref], 1);
    const file = await gpg(['--clearsign'], { input: att.text });
    expect(codes(await verify(file, [mine]))).toEqual(['TEXT_OUTSIDE_SIGNED']);
    const packets = await packetsOf(file);
    const result = await verify(armorCleartext(att.text.slice(0, -1), packets), [mine]);
    expect(codes(result)).toContain('TEXT_NOT_CANONICAL');
    expect(result.verdict).toBe('invalid');
  });

  it('merges a --textmode detached signature next to ours: candor counts both, gpg verifies both', async () => {
    const signerA = w.signers[0]!;
    const att = await attestation([signerA.ref, mine.ref], 2);
    const detached = await gpg(['--armor', '--textmode', '--detach-sign'], { input: att.text });
    const merged = await mergeDetachedSignature({ file: att.file, text: att.text, detached, signerKeys: [mine.publicKey], source: 'gpg-signer.asc' });

    const result = await verify(merged, [mine]);
    expect(codes(result)).toEqual(['HISTORY_UNCHECKED']);
    expect(result.verdict).toBe('alive');
    expect(result.attestation?.signatures.map((s) => [s.fingerprint, s.status])).toEqual([
      [signerA.ref.fingerprint, 'good'],
      [mine.ref.fingerprint, 'good'],
    ]);

    await gpg(['--import', box.file('signer-a.asc', signerA.publicArmored)]);
    const r = await run('gpg', ['--batch', '--no-tty', '--status-fd', '1', '--verify', box.file('merged.asc', merged)], { env: box.env });
    const status = gpgStatus(r.stdout);
    expect(validSigners(status)).toEqual([signerA.ref.fingerprint, mine.ref.fingerprint]);
    expect(status.map((l) => l[0]).filter((k) => GPG_DISTRUST.includes(k!))).toEqual([]);
    expect(r.code).toBe(0);
  });

  it('refuses a binary-mode detached signature (no --textmode)', async () => {
    const att = await attestation([w.signers[0]!.ref, mine.ref], 2);
    const detached = await gpg(['--armor', '--detach-sign'], { input: att.text });
    const merging = mergeDetachedSignature({ file: att.file, text: att.text, detached, signerKeys: [mine.publicKey], source: 'gpg-signer.asc' });
    await expect(merging).rejects.toBeInstanceOf(SigningError);
    await expect(merging).rejects.toMatchObject({ code: 'SIGNATURE_NOT_TEXT_MODE' });
  });

  it.each([
    ['over different text', (text: string) => text.replace('search warrant', 'search warrants'), () => [mine.publicKey], 'SIGNATURE_DOES_NOT_MATCH'],
    // Named as what it is: a key outside the signer policy, not a signature that does not match.
    ['by a key the caller does not list as a signer', (text: string) => text, () => [w.signers[1]!.publicKey], 'SIGNER_NOT_IN_POLICY'],
  ])('refuses a detached signature %s', async (_, signed, signerKeys, code) => {
    const att = await attestation([w.signers[0]!.ref, mine.ref], 2);
    const detached = await gpg(['--armor', '--textmode', '--detach-sign'], { input: signed(att.text) });
    const merging = mergeDetachedSignature({ file: att.file, text: att.text, detached, signerKeys: signerKeys(), source: 'gpg-signer.asc' });
    await expect(merging).rejects.toBeInstanceOf(SigningError);
    await expect(merging).rejects.toMatchObject({ code });
  });
});

describe('sq-made signatures', () => {
  beforeEach((ctx) => requireTool(ctx, 'sq'));

  const sq = (args: string[]) => runOk('sq', args, { env: box.env });

  // sq's default key signs with a subkey: candor must credit the primary fingerprint.
  it("counts an sq signature made with a signing subkey once candor frames it (sq's own framing is TEXT_OUTSIDE_SIGNED)", async () => {
    const key = `${box.dir}/sq-key.pgp`;
    await sq(['key', 'generate', '--userid', 'Sq Signer <sq@example.org>', '--creation-time', iso(at(-DAY)), '--export', key]);
    const publicKey = await openpgp.readKey({ armoredKey: await sq(['key', 'extract-cert', key]) });
    const foreign = { ref: { name: 'Sq Signer', fingerprint: publicKey.getFingerprint().toUpperCase() }, publicKey };
    const att = await attestation([foreign.ref], 1);
    const file = await sq(['sign', '--cleartext-signature', '--signer-key', key, '--time', iso(T0), box.file('prepared.txt', `${att.text}\n`)]);
    expect(codes(await verify(file, [foreign]))).toEqual(['TEXT_OUTSIDE_SIGNED']);
    // (sq 0.27 makes only binary-mode detached signatures, which add-signature refuses.)
    const result = await verify(armorCleartext(att.text, await packetsOf(file)), [foreign]);
    expect(codes(result)).toEqual(['THRESHOLD_SINGLE', 'HISTORY_UNCHECKED']);
    expect(result.verdict).toBe('alive');
    expect(result.attestation?.signatures).toMatchObject([{ status: 'good', fingerprint: foreign.ref.fingerprint }]);
  });
});
