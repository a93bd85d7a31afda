import { describe, expect, it } from 'vitest';
import { composeAttestation, composeHeartbeat } from '../../src/core/canary/compose.ts';
import { parseCanaryText } from '../../src/core/canary/document.ts';
import { documentHash } from '../../src/core/canonical.ts';
import { ContentError, isCandorError } from '../../src/core/errors.ts';
import { STATEMENTS, blockProof } from '../helpers/world.ts';
import { FIXED_CONFIG, SERVICE } from '../helpers/fixed.ts';

const now = new Date('2026-11-23T10:15:30.750Z');
const base = { service: SERVICE, config: FIXED_CONFIG, statements: STATEMENTS, documents: [] };

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect(isCandorError(error), String(error)).toBe(true);
    return (error as ContentError).code;
  }
  throw new Error('expected an error');
}

describe('composeAttestation', () => {
  it('truncates to whole seconds, expires after the configured lifetime, and parses back', () => {
    const { data, text } = composeAttestation(base, { now });
    expect(data.issued).toBe('2026-11-23T10:15:30Z');
    expect(data.expires).toBe('2027-01-22T10:15:30Z');
    expect(data.sequence).toBe(1);
    expect(data.previous).toBeNull();
    const parsed = parseCanaryText(text);
    expect(parsed.ok && parsed.data).toEqual(data);
  });

  it('refuses a lifetime above the maximum (blaming --lifetime-days, or canary.yml), and accepts exactly the maximum', () => {
    expect(codeOf(() => composeAttestation({ ...base, lifetimeDays: 91 }, { now }))).toBe('USAGE');
    const tooLong = { ...FIXED_CONFIG, cadence: { ...FIXED_CONFIG.cadence, attestationLifetimeDays: 91 } };
    expect(codeOf(() => composeAttestation({ ...base, config: tooLong }, { now }))).toBe('COMPOSE_REFUSED');
    expect(composeAttestation({ ...base, lifetimeDays: 90 }, { now }).data.expires).toBe('2027-02-21T10:15:30Z');
  });

  it('chains to the previous attestation and records explained changes', async () => {
    const first = composeAttestation(base, { now });
    const previous = { data: first.data, hash: await documentHash(first.text) };
    const reworded = STATEMENTS.map((s) => (s.id === 'GAG' ? { ...s, text: `${s.text} Checked by counsel.` } : s));
    expect(codeOf(() => composeAttestation({ ...base, statements: reworded, previous }, { now }))).toBe('COMPOSE_REFUSED');
    const second = composeAttestation({ ...base, statements: reworded, previous, explanations: { GAG: 'Clarified wording.' } }, { now });
    expect(second.data.sequence).toBe(2);
    expect(second.data.previous).toBe(previous.hash);
    expect(second.data.changes).toEqual([{ statement: 'GAG', change: 'reworded', explanation: 'Clarified wording.' }]);
  });

  it('refuses to follow a final attestation', async () => {
    const final = composeAttestation({ ...base, signal: { kind: 'final', message: 'We are closing the service.' } }, { now });
    const previous = { data: final.data, hash: await documentHash(final.text) };
    expect(codeOf(() => composeAttestation({ ...base, previous }, { now }))).toBe('COMPOSE_REFUSED');
  });
});

describe('composeHeartbeat', () => {
  it('never outlives its attestation', async () => {
    const att = composeAttestation({ ...base, lifetimeDays: 1 }, { now });
    const attestation = { data: att.data, hash: await documentHash(att.text) };
    const late = new Date(Date.parse(att.data.expires) - 3_600_000);
    const { data } = composeHeartbeat({ attestation, freshness: { bitcoin: blockProof(late) } }, { now: late });
    expect(data.expires).toBe(att.data.expires);
  });

  it('refuses a heartbeat for an expired attestation, at the exact expiry instant', async () => {
    const att = composeAttestation({ ...base, lifetimeDays: 1 }, { now });
    const attestation = { data: att.data, hash: await documentHash(att.text) };
    const at = new Date(att.data.expires);
    expect(codeOf(() => composeHeartbeat({ attestation, freshness: { bitcoin: blockProof(at) } }, { now: at }))).toBe('COMPOSE_REFUSED');
    const before = new Date(at.getTime() - 1000);
    expect(composeHeartbeat({ attestation, freshness: { bitcoin: blockProof(before) } }, { now: before }).data.expires).toBe(att.data.expires);
  });

  it('refuses to issue without a proof when one is required', async () => {
    const att = composeAttestation(base, { now });
    const attestation = { data: att.data, hash: await documentHash(att.text) };
    expect(codeOf(() => composeHeartbeat({ attestation, freshness: {} }, { now }))).toBe('COMPOSE_REFUSED');
  });
});
