/**
 * The archive's log audit (src/core/verify/archive-log.ts): the log and the archive tell one
 * history. Documents from before the log began are counted, not refused; the proofs it makes
 * for the latest pair verify with the live-site rules (log.ts), cosignatures included.
 */
import { describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { cosign } from '../../src/core/tlog/cosignature.ts';
import { appendEntries } from '../../src/core/tlog/log.ts';
import { addSignatures, COSIGNATURE_V1, formatVerifierKey, parseNote, signerFromSeed } from '../../src/core/tlog/note.ts';
import { tilePath, type TileId } from '../../src/core/tlog/tiles.ts';
import { auditArchiveLog, type ArchivedLeaf } from '../../src/core/verify/archive-log.ts';
import { logReasons } from '../../src/core/verify/log.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const KEY = signerFromSeed(ORIGIN, new Uint8Array(32).fill(1));
const W1 = signerFromSeed('w1.example', new Uint8Array(32).fill(3), COSIGNATURE_V1);
const enc = (s: string) => new TextEncoder().encode(s);

const doc = (name: string, issued: string): ArchivedLeaf => {
  const [kind, seq] = name.replace('.txt', '').split('-') as ['attestation' | 'heartbeat', string];
  return { name, kind, sequence: Number(seq), issued, bytes: enc(`${name} as signed`) };
};
const ARCHIVE = [
  doc('attestation-000001.txt', '2026-01-01T00:00:00Z'),
  doc('heartbeat-000001.txt', '2026-01-02T00:00:00Z'),
  doc('heartbeat-000002.txt', '2026-01-03T00:00:00Z'),
  doc('heartbeat-000003.txt', '2026-01-04T00:00:00Z'),
];
const attestation = (witnesses?: string[]) =>
  ({ log: { origin: ORIGIN, key: formatVerifierKey(KEY), ...(witnesses ? { witnesses } : {}) } }) as unknown as AttestationData;

function logOf(entries: Uint8Array[], cosigners: (typeof W1)[] = []) {
  const grown = appendEntries([], entries, ORIGIN, KEY);
  const files = new Map(grown.files);
  let checkpoint = grown.checkpoint;
  const note = parseNote(checkpoint);
  if (typeof note !== 'string' && cosigners.length)
    checkpoint = addSignatures(
      note,
      cosigners.map((w) => cosign(note.text, w, 1_800_000_000)),
    );
  return { checkpoint, tile: (t: TileId) => files.get(tilePath(t)) ?? null };
}
const codes = (reasons: { code: string }[]) => reasons.map((r) => r.code);
const current = { attestation: ARCHIVE[0]!.bytes, heartbeat: ARCHIVE[3]!.bytes };

describe('auditArchiveLog', () => {
  it('nothing to audit without a log named, or without the log at hand', () => {
    expect(auditArchiveLog({} as AttestationData, logOf([]), ARCHIVE, current)).toEqual({ reasons: [] });
    expect(auditArchiveLog(attestation(), undefined, ARCHIVE, current)).toEqual({ reasons: [] });
  });

  it('a log begun after the first heartbeat: the earlier documents are counted, not refused', () => {
    // The attestation was signed before the log, so only the heartbeats since are logged (and the attestation once added).
    const audit = auditArchiveLog(attestation(), logOf([ARCHIVE[2]!.bytes, ARCHIVE[3]!.bytes]), ARCHIVE, {
      attestation: ARCHIVE[0]!.bytes,
      heartbeat: ARCHIVE[3]!.bytes,
    });
    expect(codes(audit.reasons)).toEqual([]);
    expect(audit).toMatchObject({ entries: 2, beforeLog: 2 });
    expect(audit.evidence?.attestationProof).toBeNull();
    expect(audit.evidence?.heartbeatProof).toMatch(/^c2sp.org\/tlog-proof@v1\n/);
  });

  it('a gap after the log began is LOG_ENTRY_MISSING, once per document', () => {
    const audit = auditArchiveLog(attestation(), logOf([ARCHIVE[0]!.bytes, ARCHIVE[1]!.bytes, ARCHIVE[3]!.bytes]), ARCHIVE, current);
    expect(codes(audit.reasons)).toEqual(['LOG_ENTRY_MISSING']);
    expect(audit.reasons[0]!.message).toContain('heartbeat-000002.txt');
  });

  it('documents after the last logged one are pending: a note, no proof asked for, nothing refused', () => {
    const audit = auditArchiveLog(attestation(), logOf([ARCHIVE[0]!.bytes, ARCHIVE[1]!.bytes]), ARCHIVE, current);
    expect(codes(audit.reasons)).toEqual(['LOG_UNCHECKED']);
    expect(audit.reasons[0]!.message).toContain('(heartbeat-000002.txt, heartbeat-000003.txt)');
    expect(audit.evidence).toBeUndefined();
    expect(audit.entries).toBe(2);
  });

  it('the proofs it makes verify by the live rules, and the cosignatures count toward the quorum', () => {
    const policy = [`witness w1 ${formatVerifierKey(W1)}`, 'quorum w1'];
    const log = logOf(
      ARCHIVE.map((d) => d.bytes),
      [W1],
    );
    const audit = auditArchiveLog(attestation(policy), log, ARCHIVE, current);
    expect(codes(audit.reasons)).toEqual([]);
    const judged = logReasons(attestation(policy), current, audit.evidence);
    expect(codes(judged.reasons)).toEqual(['LOG_UNCHECKED']);
    expect(judged.log).toMatchObject({ size: 4, cosignatures: [{ witness: 'w1.example' }] });
    const unwitnessed = auditArchiveLog(attestation(policy), logOf(ARCHIVE.map((d) => d.bytes)), ARCHIVE, current);
    expect(codes(logReasons(attestation(policy), current, unwitnessed.evidence).reasons)).toContain('LOG_QUORUM_NOT_MET');
  });
});
