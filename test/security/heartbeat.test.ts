/** Attacks on the heartbeat: outliving or swapping its attestation, the wrong key, replay, absence. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { toInstant } from '../../src/core/canary/model.ts';
import { editSigned, reissue } from '../helpers/tamper.ts';
import { DAY, HOUR, at, makeKey, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

let w: World;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  hb = await w.heartbeat(att);
});

describe('what the heartbeat confirms', () => {
  it("a heartbeat whose expiry is after its attestation's is HEARTBEAT_OUTLIVES_ATTESTATION", async () => {
    const longer = await reissue({ ...hb.data, expires: toInstant(at(DAY, new Date(att.data.expires))) }, [w.ci], at(HOUR));
    const r = await check(w, { attestation: att.file, heartbeat: longer.file });
    expect(r.codes).toContain('HEARTBEAT_OUTLIVES_ATTESTATION');
    expect(r.verdict).toBe('invalid');
  });

  it('a genuine heartbeat of another attestation is HEARTBEAT_WRONG_ATTESTATION', async () => {
    const other = await w.attest({ now: at(-DAY), statements: att.data.statements.slice(0, 3) });
    const otherHb = await w.heartbeat(other, { now: at(HOUR) });
    const r = await check(w, { attestation: att.file, heartbeat: otherHb.file });
    expect(r.codes).toContain('HEARTBEAT_WRONG_ATTESTATION');
    expect(r.verdict).toBe('invalid');
  });

  it('a heartbeat issued before the attestation it names is HEARTBEAT_WRONG_ATTESTATION', async () => {
    const early = await reissue({ ...hb.data, issued: toInstant(at(-HOUR)), expires: toInstant(at(47 * HOUR)) }, [w.ci], at(-HOUR));
    const r = await check(w, { attestation: att.file, heartbeat: early.file });
    expect(r.codes).toContain('HEARTBEAT_WRONG_ATTESTATION');
    expect(r.verdict).toBe('invalid');
  });

  it('an attestation passed as the heartbeat is WRONG_KIND', async () => {
    const r = await check(w, { attestation: att.file, heartbeat: att.file });
    expect(r.codes).toContain('WRONG_KIND');
    expect(r.verdict).toBe('invalid');
  });
});

describe('who signed the heartbeat', () => {
  it("a heartbeat signed by a signer's key, not an authorised heartbeat key, is HEARTBEAT_KEY_UNAUTHORISED", async () => {
    const forged = await w.heartbeat(att, { signWith: [w.signers[0]!] });
    const r = await check(w, { attestation: att.file, heartbeat: forged.file });
    expect(r.codes).toContain('HEARTBEAT_KEY_UNAUTHORISED');
    expect(r.verdict).toBe('invalid');
  });

  it('a heartbeat signed by an unknown key is HEARTBEAT_KEY_UNAUTHORISED', async () => {
    const mallory = await makeKey('Mallory CI');
    const forged = await w.heartbeat(att, { signWith: [mallory] });
    const r = await check(w, { attestation: att.file, heartbeat: forged.file });
    expect(r.codes).toContain('HEARTBEAT_KEY_UNAUTHORISED');
    expect(r.verdict).toBe('invalid');
  });

  it('a heartbeat edited after signing is SIGNATURE_BAD', async () => {
    // Push the expiry a day later in both the human text and the data, same length.
    const later = toInstant(at(DAY, new Date(hb.data.expires)));
    const file = editSigned(hb.file, hb.data.expires, later, { all: true });
    const r = await check(w, { attestation: att.file, heartbeat: file });
    expect(r.codes).toContain('SIGNATURE_BAD');
    expect(r.verdict).toBe('invalid');
  });
});

describe('heartbeat history and absence', () => {
  it('an older heartbeat replayed to a verifier that saw a newer one is SEQUENCE_NOT_INCREASING', async () => {
    const hb2 = await w.heartbeat(att, { now: at(2 * HOUR), previous: hb });
    const r = await check(w, { attestation: att.file, heartbeat: hb.file, lastHeartbeat: { sequence: hb2.data.sequence, hash: hb2.hash } }, at(3 * HOUR));
    expect(r.codes).toContain('SEQUENCE_NOT_INCREASING');
    expect(r.verdict).toBe('invalid');
  });

  it('a next heartbeat naming the wrong previous heartbeat is PREVIOUS_HASH_MISMATCH', async () => {
    const hb2 = await w.heartbeat(att, { now: at(2 * HOUR), previous: { ...hb, hash: `sha256:${'1'.repeat(64)}` } });
    const r = await check(w, { attestation: att.file, heartbeat: hb2.file, lastHeartbeat: { sequence: hb.data.sequence, hash: hb.hash } }, at(3 * HOUR));
    expect(r.codes).toContain('PREVIOUS_HASH_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it('a two-layer canary without its heartbeat is HEARTBEAT_MISSING (stale)', async () => {
    const r = await check(w, { attestation: att.file });
    expect(r.codes).toContain('HEARTBEAT_MISSING');
    expect(r.verdict).toBe('stale');
  });

  it('a heartbeat past its expiry is HEARTBEAT_EXPIRED (stale)', async () => {
    const r = await check(w, { attestation: att.file, heartbeat: hb.file }, new Date(hb.data.expires));
    expect(r.codes).toContain('HEARTBEAT_EXPIRED');
    expect(r.verdict).toBe('stale');
  });

  it('a heartbeat living far longer than interval + grace (until the attestation ends) is not alive a month on', async () => {
    const long = await reissue({ ...hb.data, expires: att.data.expires }, [w.ci], at(HOUR));
    const r = await check(w, { attestation: att.file, heartbeat: long.file }, at(30 * DAY));
    expect(r.verdict).not.toBe('alive');
  });

  it('a heartbeat issued after now + skew is FUTURE_DATED', async () => {
    const ahead = await w.heartbeat(att, { now: at(DAY) });
    const r = await check(w, { attestation: att.file, heartbeat: ahead.file });
    expect(r.codes).toContain('FUTURE_DATED');
    expect(r.reasons.find((x) => x.code === 'FUTURE_DATED')?.subject).toBe('heartbeat');
    expect(r.verdict).toBe('invalid');
  });
});
