/** Attacks on the history: replay, rollback, a broken chain, a hijacked signer policy, life after final. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { reissue, successorData } from '../helpers/tamper.ts';
import { DAY, HOUR, at, makeKey, makeWorld, type Issued, type TestKey, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

const T1 = at(DAY);
const LATER = at(2 * HOUR, T1);

let w: World;
let att1: Issued<AttestationData>;
let att2: Issued<AttestationData>;
let newA: TestKey;
let newB: TestKey;

beforeAll(async () => {
  w = await makeWorld();
  att1 = await w.attest();
  att2 = await w.attest({ now: T1, previous: att1 });
  [newA, newB] = await Promise.all([makeKey('New A'), makeKey('New B')]);
});

describe('replay and rollback', () => {
  it('an older canary replayed to a verifier that saw a newer one is SEQUENCE_NOT_INCREASING', async () => {
    const r = await check(w, { attestation: att1.file, previous: att2.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('SEQUENCE_NOT_INCREASING');
    expect(r.verdict).toBe('invalid');
  });

  it('a fork (same sequence, different content) is SEQUENCE_NOT_INCREASING', async () => {
    const fork = await reissue({ ...att2.data, statements: att2.data.statements.slice(0, 3) }, w.signers.slice(1, 3), T1);
    const r = await check(w, { attestation: fork.file, previous: att2.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('SEQUENCE_NOT_INCREASING');
    expect(r.verdict).toBe('invalid');
  });

  it('a next attestation naming the wrong previous hash is PREVIOUS_HASH_MISMATCH', async () => {
    const broken = await w.attest({ now: T1, previous: { ...att1, hash: `sha256:${'0'.repeat(64)}` } });
    const r = await check(w, { attestation: broken.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('PREVIOUS_HASH_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });
});

describe('signer policy', () => {
  it('a whole new signer set signed only by the new keys is SIGNER_POLICY_BYPASSED and KEY_UNPINNED', async () => {
    const hijack = await w.attest({ now: T1, previous: att1, config: { signers: { threshold: 2, keys: [newA.ref, newB.ref] } }, signWith: [newA, newB] });
    const r = await check(
      w,
      { attestation: hijack.file, previous: att1.file, keys: [...w.keys, newA.publicKey, newB.publicKey], requireHeartbeat: false },
      LATER,
    );
    expect(r.codes).toContain('SIGNER_POLICY_BYPASSED');
    expect(r.codes).toContain('KEY_UNPINNED');
    expect(r.verdict).toBe('invalid');
  });

  it('a threshold lowered to 1 and signed by a single old signer is SIGNER_POLICY_BYPASSED', async () => {
    const downgrade = await w.attest({
      now: T1,
      previous: att1,
      config: { signers: { threshold: 1, keys: w.signers.map((s) => s.ref) } },
      signWith: [w.signers[0]!],
    });
    const r = await check(w, { attestation: downgrade.file, previous: att1.file, requireHeartbeat: false }, LATER);
    expect(r.codes).toContain('SIGNER_POLICY_BYPASSED');
    expect(r.verdict).toBe('invalid');
  });

  it("without --previous, a threshold lowered to 1 and signed by a single (stolen) pinned key fails the verifier's --min-signers", async () => {
    const downgrade = await w.attest({
      now: T1,
      previous: att1,
      config: { signers: { threshold: 1, keys: w.signers.map((s) => s.ref) } },
      signWith: [w.signers[0]!],
    });
    const hb = await w.heartbeat(downgrade);
    const r = await check(w, { attestation: downgrade.file, heartbeat: hb.file, minSigners: 2 }, LATER);
    expect(r.codes).toContain('THRESHOLD_BELOW_MINIMUM');
    expect(r.verdict).toBe('invalid');
  });

  it('a rotation endorsed by the old threshold (and listed under rotations) is accepted', async () => {
    const rotated = await w.attest({
      now: T1,
      previous: att1,
      config: {
        signers: { threshold: 2, keys: [w.signers[0]!.ref, w.signers[1]!.ref, newA.ref] },
        rotations: [{ retired: w.signers[2]!.ref.fingerprint, replacement: newA.ref.fingerprint, reason: 'Signer C left the company.' }],
      },
      explanations: {},
      signWith: [w.signers[0]!, w.signers[1]!, newA],
    });
    const hb = await w.heartbeat(rotated);
    const r = await check(w, { attestation: rotated.file, heartbeat: hb.file, previous: att1.file, keys: [...w.keys, newA.publicKey] }, LATER);
    expect(r.codes).not.toContain('KEY_UNPINNED');
    expect(r.verdict).toBe('alive');
  });
});

describe('after the end', () => {
  it('an attestation after a final one is FINAL (the previous one ended the canary)', async () => {
    const final = await w.attest({ now: T1, previous: att1, signal: { kind: 'final', message: 'We are closing the service on 1 December.' } });
    const after = await reissue(successorData(final, at(DAY, T1)), w.signers.slice(0, 2), at(DAY, T1));
    const hb = await w.heartbeat(after);
    const r = await check(w, { attestation: after.file, heartbeat: hb.file, previous: final.file }, at(2 * HOUR, at(DAY, T1)));
    expect(r.codes).toContain('FINAL');
    expect(r.reasons.find((x) => x.code === 'FINAL')?.subject).toBe('previous');
    expect(r.verdict).toBe('tripped');
  });
});
