/** Attacks on time: stale, future-dated, backdated, over-long attestations; each rule at its boundary. */
import { beforeAll, describe, expect, it } from 'vitest';
import { toInstant } from '../../src/core/canary/model.ts';
import { armorCleartext } from '../../src/core/pgp/armor.ts';
import { reissue, signText } from '../helpers/tamper.ts';
import { DAY, HOUR, T0, at, makeWorld, type World } from '../helpers/world.ts';
import { SKEW, check } from './verify.ts';

let w: World;

beforeAll(async () => {
  w = await makeWorld();
});

describe('expiry', () => {
  it('an attestation at its expiry instant is ATTESTATION_EXPIRED (stale)', async () => {
    const att = await w.attest();
    const expires = new Date(att.data.expires);
    const hb = await w.heartbeat(att, { now: at(-HOUR, expires) });
    const r = await check(w, { attestation: att.file, heartbeat: hb.file }, expires);
    expect(r.codes).toContain('ATTESTATION_EXPIRED');
    expect(r.verdict).toBe('stale');
  });

  it('one second before its expiry it is not expired (alive with a current heartbeat)', async () => {
    const att = await w.attest();
    const expires = new Date(att.data.expires);
    const hb = await w.heartbeat(att, { now: at(-HOUR, expires) });
    const r = await check(w, { attestation: att.file, heartbeat: hb.file }, at(-1000, expires));
    expect(r.codes).not.toContain('ATTESTATION_EXPIRED');
    expect(r.codes).not.toContain('HEARTBEAT_EXPIRED');
    expect(r.verdict).toBe('alive');
  });

  it('an attestation valid for more than a year is LIFETIME_TOO_LONG', async () => {
    const att = await w.attest({ lifetimeDays: 400, config: { cadence: { attestationLifetimeDays: 400, maxAttestationLifetimeDays: 400, warnDays: 14 } } });
    const r = await check(w, { attestation: att.file, requireHeartbeat: false });
    expect(r.codes).toContain('LIFETIME_TOO_LONG');
    expect(r.verdict).toBe('invalid');
  });

  it('an attestation that expires before it was issued is FORMAT_INVALID', async () => {
    const att = await w.attest();
    const bad = await reissue({ ...att.data, expires: toInstant(at(-HOUR)) }, w.signers.slice(0, 2), T0);
    const r = await check(w, { attestation: bad.file, requireHeartbeat: false });
    expect(r.codes).toContain('FORMAT_INVALID');
    expect(r.verdict).toBe('invalid');
  });
});

describe('future and past dates', () => {
  it('an attestation issued after now + skew is FUTURE_DATED', async () => {
    const att = await w.attest({ now: at((SKEW + 1) * 1000) });
    const r = await check(w, { attestation: att.file, requireHeartbeat: false }, T0);
    expect(r.codes).toContain('FUTURE_DATED');
    expect(r.verdict).toBe('invalid');
  });

  it('an attestation issued at exactly now + skew is fine', async () => {
    const issued = at(SKEW * 1000);
    const att = await w.attest({ now: issued });
    const hb = await w.heartbeat(att, { now: issued });
    const r = await check(w, { attestation: att.file, heartbeat: hb.file }, T0);
    expect(r.codes).not.toContain('FUTURE_DATED');
    expect(r.verdict).toBe('alive');
  });

  it('a current attestation whose signature is dated a day ahead is FUTURE_DATED', async () => {
    const att = await w.attest();
    const file = armorCleartext(att.text, await signText(att.text, w.signers.slice(0, 2), at(DAY)));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('FUTURE_DATED');
    expect(r.verdict).toBe('invalid');
  });

  it("a signature dated a day before the attestation's issue time is SIGNATURE_TIME_INCONSISTENT", async () => {
    const att = await w.attest();
    const file = armorCleartext(att.text, await signText(att.text, w.signers.slice(0, 2), at(-DAY)));
    const r = await check(w, { attestation: file, requireHeartbeat: false });
    expect(r.codes).toContain('SIGNATURE_TIME_INCONSISTENT');
    expect(r.verdict).toBe('invalid');
  });
});
