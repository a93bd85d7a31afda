/**
 * What we publish, checked by the tools verifiers actually use. Each tool gets only the
 * published armored public keys, never our keyring, and a fresh HOME/GNUPGHOME.
 */
import * as openpgp from 'openpgp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signDocument } from '../../src/core/pgp/sign.ts';
import { requireTool, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';
import { judgeGpg, verifiersIn, type Signed } from '../helpers/verifiers.ts';
import { DAY, T0, at, makeKey, makeWorld, type World } from '../helpers/world.ts';

let box: Sandbox;
const { verifiers: VERIFIERS, gpgVerify } = verifiersIn(() => box);

let w: World;
let text: string;
let attestation: Signed;
let heartbeat: Signed;

beforeAll(async () => {
  w = await makeWorld({ signers: 3, threshold: 3 });
  const att = await w.attest({ signWith: w.signers });
  text = att.text;
  const hb = await w.heartbeat(att);
  attestation = { file: att.file, certs: w.signers.map((s) => s.publicArmored), fingerprints: w.pins };
  heartbeat = { file: hb.file, certs: [w.ci.publicArmored], fingerprints: [w.ci.ref.fingerprint] };
});
beforeEach(() => void (box = sandbox()));
afterEach(() => box.remove());

/** One byte of the signed text changed; the signature block untouched. */
const tampered = (s: Signed): Signed => ({ ...s, file: s.file.replace('search warrant', 'search warrent') });

/** A signature made 29 days after its key expired. openpgp.js will not sign with an expired key, so the expiry is written afterwards over the same key material. */
async function lapsedKeySignature(): Promise<Signed> {
  const created = at(-30 * DAY);
  const key = await makeKey('Lapsed', { created });
  const file = await signDocument(text, [key.privateKey], { now: T0 });
  const expiring = await openpgp.reformatKey({
    privateKey: key.privateKey,
    userIDs: [{ name: 'Lapsed', email: 'lapsed@example.org' }],
    keyExpirationTime: 86_400,
    date: created,
    format: 'object',
  });
  return { file, certs: [expiring.publicKey.armor()], fingerprints: [key.ref.fingerprint] };
}

/** Signed, then revoked a day later without a reason: a hard revocation that taints past signatures. */
async function revokedKeySignature(): Promise<Signed> {
  const key = await makeKey('Revoked');
  const file = await signDocument(text, [key.privateKey], { now: T0 });
  const { publicKey } = await openpgp.revokeKey({ key: key.privateKey, date: at(DAY), format: 'armored' });
  return { file, certs: [publicKey], fingerprints: [key.ref.fingerprint] };
}

describe.each(VERIFIERS)('$tool', ({ needs, verify }) => {
  beforeEach((ctx) => requireTool(ctx, ...needs));

  it('verifies the attestation: every signer of the one signature block', async () => {
    const outcome = await verify(attestation);
    expect(outcome.ok, outcome.detail).toBe(true);
  });

  it('verifies the heartbeat signed by the CI key', async () => {
    const outcome = await verify(heartbeat);
    expect(outcome.ok, outcome.detail).toBe(true);
  });

  it('refuses the attestation with one byte of the signed text changed', async () => {
    expect(await verify(tampered(attestation))).toMatchObject({ ok: false });
  });
});

describe.each(VERIFIERS.filter((v) => v.tool === 'sq' || v.tool === 'sqop'))('$tool (strict about keys)', ({ needs, verify }) => {
  beforeEach((ctx) => requireTool(ctx, ...needs));

  it('refuses a signature made after the key expired', async () => {
    expect(await verify(await lapsedKeySignature())).toMatchObject({ ok: false });
  });

  it('refuses a signature by a revoked key', async () => {
    expect(await verify(await revokedKeySignature())).toMatchObject({ ok: false });
  });
});

// Why the README tells verifiers to read --status-fd: gpg exits 0 and still prints
// VALIDSIG for these; only the status keyword says the key must not be trusted.
describe('gpg --status-fd', () => {
  beforeEach((ctx) => requireTool(ctx, 'gpg'));

  it.each([
    ['EXPKEYSIG', lapsedKeySignature],
    ['REVKEYSIG', revokedKeySignature],
  ])('reports %s for a key the exit code does not complain about', async (keyword, make) => {
    const signed = await make();
    const { code, status } = await gpgVerify(signed);
    expect(status.map((l) => l[0])).toContain(keyword);
    expect(validSigners(status)).toEqual(signed.fingerprints);
    expect(code).toBe(0);
    expect(judgeGpg(code, status, signed)).toMatchObject({ ok: false });
  });

  it('reports BADSIG, and fails, for a changed byte', async () => {
    const { code, status } = await gpgVerify(tampered(attestation));
    // gpg stops at the first bad signature of the block.
    expect(status.map((l) => l[0])).toContain('BADSIG');
    expect(validSigners(status)).toEqual([]);
    expect(code).toBe(1);
  });
});
