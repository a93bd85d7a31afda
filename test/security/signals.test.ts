/** Signals the signers send on purpose: duress, the panic key, a signed final. Each must trip the canary. */
import { beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, Signal } from '../../src/core/canary/model.ts';
import { makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from './verify.ts';

const DURESS: Signal = { kind: 'duress', message: 'We were served with an order we cannot describe.' };

let w: World;
let att: Issued<AttestationData>;

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
});

describe('attestation signals', () => {
  it('a signed duress signal is DURESS (tripped)', async () => {
    const duress = await w.attest({ signal: DURESS });
    const hb = await w.heartbeat(duress);
    const r = await check(w, { attestation: duress.file, heartbeat: hb.file });
    expect(r.codes).toContain('DURESS');
    expect(r.verdict).toBe('tripped');
  });

  it('a signature by a panic key next to a valid threshold is PANIC_KEY_SIGNATURE (tripped)', async () => {
    const panicked = await w.attest({ signWith: [w.signers[0]!, w.signers[1]!, w.panic] });
    const hb = await w.heartbeat(panicked);
    const r = await check(w, { attestation: panicked.file, heartbeat: hb.file });
    expect(r.codes).toContain('PANIC_KEY_SIGNATURE');
    expect(r.verdict).toBe('tripped');
  });

  it('a signer who signs with the panic key instead of their own still shows PANIC_KEY_SIGNATURE', async () => {
    const panicked = await w.attest({ signWith: [w.signers[0]!, w.panic] });
    const hb = await w.heartbeat(panicked);
    const r = await check(w, { attestation: panicked.file, heartbeat: hb.file });
    expect(r.codes).toContain('PANIC_KEY_SIGNATURE');
    expect(r.verdict).not.toBe('alive');
  });

  it('a signed final attestation is FINAL (tripped)', async () => {
    const final = await w.attest({ signal: { kind: 'final', message: 'Lumen Mail closes on 1 December; thank you.' } });
    const hb = await w.heartbeat(final);
    const r = await check(w, { attestation: final.file, heartbeat: hb.file });
    expect(r.codes).toContain('FINAL');
    expect(r.verdict).toBe('tripped');
  });
});

describe('heartbeat signals', () => {
  it('a heartbeat with a duress signal is DURESS (tripped)', async () => {
    const hb = await w.heartbeat(att, { signal: DURESS });
    const r = await check(w, { attestation: att.file, heartbeat: hb.file });
    expect(r.codes).toContain('DURESS');
    expect(r.verdict).toBe('tripped');
  });

  it('a heartbeat also signed by the panic key is PANIC_KEY_SIGNATURE (tripped)', async () => {
    const hb = await w.heartbeat(att, { signWith: [w.ci, w.panic] });
    const r = await check(w, { attestation: att.file, heartbeat: hb.file });
    expect(r.codes).toContain('PANIC_KEY_SIGNATURE');
    expect(r.verdict).toBe('tripped');
  });
});
