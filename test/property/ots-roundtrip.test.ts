/**
 * OpenTimestamps trees: any tree the writer can write reads back to the same bytes (the
 * writer's order is canonical), and any bytes at all either read as a proof or fail with
 * a typed OTS_* error, never a crash.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isCandorError } from '../../src/core/errors.ts';
import { toHex } from '../../src/core/ots/bytes.ts';
import type { Op } from '../../src/core/ots/ops.ts';
import {
  addOp,
  compareAttestations,
  newTimestamp,
  parseDetached,
  parseTimestamp,
  serializeTimestamp,
  type Attestation,
  type Timestamp,
} from '../../src/core/ots/timestamp.ts';
import { HEADER_MAGIC } from '../../src/core/ots/timestamp.ts';

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.constantFrom<Op>({ kind: 'sha256' }, { kind: 'ripemd160' }, { kind: 'sha1' }, { kind: 'keccak256' }, { kind: 'reverse' }, { kind: 'hexlify' }),
  fc.record({ kind: fc.constantFrom('append' as const, 'prepend' as const), arg: fc.uint8Array({ minLength: 1, maxLength: 40 }) }),
);
const attestation: fc.Arbitrary<Attestation> = fc.oneof(
  fc.record({ kind: fc.constant('pending' as const), uri: fc.stringMatching(/^https:\/\/[a-z0-9.]{1,30}$/) }),
  fc.record({ kind: fc.constant('bitcoin' as const), height: fc.nat({ max: 2_000_000 }) }),
  fc.record({ kind: fc.constant('unknown' as const), tag: fc.uint8Array({ minLength: 8, maxLength: 8 }), payload: fc.uint8Array({ maxLength: 30 }) }),
);

interface Shape {
  attestations: Attestation[];
  children: [Op, Shape][];
}
const shape: fc.Arbitrary<Shape> = fc.letrec<{ node: Shape }>((tie) => ({
  node: fc.record({
    attestations: fc.array(attestation, { maxLength: 2 }),
    children: fc.oneof({ depthSize: 'small', withCrossShrink: true }, fc.constant<[Op, Shape][]>([]), fc.array(fc.tuple(op, tie('node')), { maxLength: 2 })),
  }),
})).node;

/** Builds the tree; a node left empty gets an attestation (the format has no empty node). */
function build(stamp: Timestamp, s: Shape): void {
  // A node holds a set of attestations: a repeated one is one.
  for (const a of s.attestations) if (!stamp.attestations.some((b) => b.kind === a.kind && compareAttestations(a, b) === 0)) stamp.attestations.push(a);
  for (const [o, child] of s.children) {
    if (stamp.msg.length > 2000) continue;
    build(addOp(stamp, o), child);
  }
  if (stamp.attestations.length === 0 && stamp.ops.length === 0) stamp.attestations.push({ kind: 'bitcoin', height: 1 });
}

describe('OpenTimestamps trees', () => {
  it('serialize → parse → serialize gives the same bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 32, maxLength: 32 }), shape, (msg, s) => {
        const stamp = newTimestamp(msg);
        build(stamp, s);
        const bytes = serializeTimestamp(stamp);
        expect(toHex(serializeTimestamp(parseTimestamp(bytes, msg)))).toBe(toHex(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('arbitrary bytes after the header: a proof or a typed error', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (tail) => {
        const data = new Uint8Array([...HEADER_MAGIC, 1, 0x08, ...new Uint8Array(32), ...tail]);
        try {
          parseDetached(data);
        } catch (error) {
          expect(isCandorError(error) && error.code.startsWith('OTS_')).toBe(true);
        }
      }),
      { numRuns: 500 },
    );
  });
});
