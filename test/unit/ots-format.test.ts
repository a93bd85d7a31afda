/**
 * The .ots reader and writer against the reference: python-opentimestamps' own unit
 * vectors (core/test_op.py, test_timestamp.py, test_notary.py) and every example file,
 * compared with what the reference says about it (test/fixtures/ots/expected.json).
 */
import { readFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex, Reader, Writer } from '../../src/core/ots/bytes.ts';
import { applyOp, compareOps, type Op } from '../../src/core/ots/ops.ts';
import {
  HEADER_MAGIC,
  leaves,
  mergeTimestamp,
  newTimestamp,
  parseDetached,
  parseTimestamp,
  serializeDetached,
  serializeTimestamp,
  shrinkToBitcoin,
  type Attestation,
  type Timestamp,
} from '../../src/core/ots/timestamp.ts';
import { addCalendarAnswer, addUpgradeAnswer, pendingCommitments, startStamp } from '../../src/core/ots/stamp.ts';

const FIXTURES = new URL('../fixtures/ots/', import.meta.url);
const file = (name: string): Uint8Array => new Uint8Array(readFileSync(new URL(name, FIXTURES)));
const expected = JSON.parse(readFileSync(new URL('expected.json', FIXTURES), 'utf8')) as {
  proofs: {
    file: string;
    parses: boolean;
    hashOp?: string;
    digest?: string;
    reserializedEqualsInput?: boolean;
    reserializedSha256?: string;
    attestations?: Record<string, unknown>[];
  }[];
  upgrade: { file: string; sha256: string };
  stamp: { document: string; nonce: string; commitment: string; withPending: { uri: string; ots: string } };
};
const bytes = (s: string): Uint8Array => new TextEncoder().encode(s);
const pending = (uri: string): Attestation => ({ kind: 'pending', uri });
const PENDING_TAG = '83dfe30d2ef90c8e';
const pendingBytes = (uri: string): string =>
  `00${PENDING_TAG}${(uri.length + 1).toString(16).padStart(2, '0')}${uri.length.toString(16).padStart(2, '0')}${toHex(bytes(uri))}`;
const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return undefined;
};

describe('operations (test_op.py)', () => {
  it('append, prepend, hexlify, reverse', () => {
    expect(applyOp({ kind: 'append', arg: bytes('suffix') }, bytes('msg'))).toEqual(bytes('msgsuffix'));
    expect(applyOp({ kind: 'prepend', arg: bytes('prefix') }, bytes('msg'))).toEqual(bytes('prefixmsg'));
    expect(applyOp({ kind: 'hexlify' }, fromHex('deadbeef'))).toEqual(bytes('deadbeef'));
    expect(applyOp({ kind: 'hexlify' }, fromHex('00'))).toEqual(bytes('00'));
    expect(applyOp({ kind: 'reverse' }, fromHex('0102'))).toEqual(fromHex('0201'));
  });

  it('hashes: the reference digests of the empty message and of 0x80', () => {
    expect(toHex(applyOp({ kind: 'sha256' }, new Uint8Array()))).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(toHex(applyOp({ kind: 'ripemd160' }, new Uint8Array()))).toBe('9c1185a5c5e9fc54612808977ee8f548b2258d31');
    expect(toHex(applyOp({ kind: 'keccak256' }, new Uint8Array()))).toBe('c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470');
    expect(toHex(applyOp({ kind: 'keccak256' }, fromHex('80')))).toBe('56e81f171bcc55a6ff8345e692c0f86e5b48e01b996cadc001622fb5e363b421');
    expect(toHex(applyOp({ kind: 'sha1' }, new Uint8Array()))).toBe('da39a3ee5e6b4b0d3255bfef95601890afd80709');
  });

  it('length limits: results up to 4096 bytes, hexlify up to 2048, never of nothing', () => {
    const dot = { kind: 'append', arg: bytes('.') } as const;
    expect(applyOp(dot, new Uint8Array(4095)).length).toBe(4096);
    expect(codeOf(() => applyOp(dot, new Uint8Array(4096)))).toBe('OTS_OP_INVALID');
    expect(applyOp({ kind: 'hexlify' }, new Uint8Array(2048)).length).toBe(4096);
    expect(codeOf(() => applyOp({ kind: 'hexlify' }, new Uint8Array(2049)))).toBe('OTS_OP_INVALID');
    expect(codeOf(() => applyOp({ kind: 'hexlify' }, new Uint8Array()))).toBe('OTS_OP_INVALID');
    expect(codeOf(() => applyOp({ kind: 'reverse' }, new Uint8Array()))).toBe('OTS_OP_INVALID');
  });

  it('order: by tag, then by argument (sha1 before ripemd160; append 84… before ae…)', () => {
    expect(compareOps({ kind: 'sha1' }, { kind: 'ripemd160' })).toBeLessThan(0);
    const a: Op = { kind: 'append', arg: fromHex('84da') };
    const b: Op = { kind: 'append', arg: fromHex('ae0c') };
    expect(compareOps(a, b)).toBeLessThan(0);
    expect(compareOps({ kind: 'sha256' }, { kind: 'append', arg: fromHex('00') })).toBeLessThan(0);
  });
});

describe('varuint and varbytes (serialize.py, LEB128)', () => {
  it('round-trips lengths across byte boundaries', () => {
    for (const n of [0, 1, 127, 128, 255, 300, 16383, 16384, 2 ** 31, 2 ** 40]) {
      const w = new Writer();
      w.varuint(n);
      const out = w.result();
      expect(new Reader(out).varuint()).toBe(n);
    }
    const w = new Writer();
    w.varuint(1000);
    expect(toHex(w.result())).toBe('e807');
  });

  it('refuses numbers past 2^53', () => {
    expect(codeOf(() => new Reader(fromHex('ffffffffffffff7f')).varuint())).toBe('OTS_MALFORMED');
    expect(codeOf(() => new Reader(fromHex('ffffffffffffffff01')).varuint())).toBe('OTS_MALFORMED');
  });

  it('refuses a read past the end', () => {
    expect(codeOf(() => new Reader(fromHex('05ab')).varbytes(10))).toBe('OTS_TRUNCATED');
  });
});

describe('timestamp serialization (test_timestamp.py)', () => {
  it('writes attestations sorted, every branch but the last marked 0xff', () => {
    const stamp = newTimestamp(bytes('foo'));
    stamp.attestations.push(pending('foobar'));
    expect(toHex(serializeTimestamp(stamp))).toBe(pendingBytes('foobar'));
    stamp.attestations.push(pending('barfoo'));
    expect(toHex(serializeTimestamp(stamp))).toBe(`ff${pendingBytes('barfoo')}${pendingBytes('foobar')}`);
    stamp.attestations.push(pending('foobaz'));
    const three = `ff${pendingBytes('barfoo')}ff${pendingBytes('foobar')}${pendingBytes('foobaz')}`;
    expect(toHex(serializeTimestamp(stamp))).toBe(three);
    const deeper = newTimestamp(applyOp({ kind: 'sha256' }, bytes('foo')));
    stamp.ops.push({ op: { kind: 'sha256' }, stamp: deeper });
    expect(codeOf(() => serializeTimestamp(stamp))).toBe('OTS_EMPTY');
    deeper.attestations.push(pending('deeper'));
    const withOp = `ff${pendingBytes('barfoo')}ff${pendingBytes('foobar')}ff${pendingBytes('foobaz')}08${pendingBytes('deeper')}`;
    expect(toHex(serializeTimestamp(stamp))).toBe(withOp);
    const back = parseTimestamp(fromHex(withOp), bytes('foo'));
    expect(toHex(serializeTimestamp(back))).toBe(withOp);
  });

  it('an op whose result would pass 4096 bytes is refused while reading', () => {
    const serialized = fromHex(`f00100${pendingBytes('barfoo')}`);
    expect(() => parseTimestamp(serialized, new Uint8Array(4095))).not.toThrow();
    expect(codeOf(() => parseTimestamp(serialized, new Uint8Array(4096)))).toBe('OTS_OP_INVALID');
  });

  it('refuses nesting deeper than the recursion limit (256 sha256 in a row)', () => {
    const serialized = fromHex(`${'08'.repeat(256)}${pendingBytes('barfoo')}`);
    expect(codeOf(() => parseTimestamp(serialized, new Uint8Array()))).toBe('OTS_TOO_DEEP');
    expect(() => parseTimestamp(fromHex(`${'08'.repeat(255)}${pendingBytes('barfoo')}`), new Uint8Array())).not.toThrow();
  });

  it('merging adds the other side’s attestations and ops', () => {
    const a = newTimestamp(bytes('a'));
    const b = newTimestamp(bytes('a'));
    b.attestations.push(pending('foobar'));
    mergeTimestamp(a, b);
    expect(a.attestations).toEqual([pending('foobar')]);
    expect(() => mergeTimestamp(newTimestamp(bytes('a')), newTimestamp(bytes('b')))).toThrow(RangeError);
  });
});

describe('attestations (test_notary.py)', () => {
  const read = (hex: string): Attestation[] => parseTimestamp(fromHex(`00${hex}`), bytes('x')).attestations;

  it('keeps an unknown attestation byte for byte', () => {
    const hex = `0102030405060708${'0c'}${toHex(bytes('Hello World!'))}`;
    const [a] = read(hex);
    expect(a).toEqual({ kind: 'unknown', tag: fromHex('0102030405060708'), payload: bytes('Hello World!') });
    expect(toHex(serializeTimestamp(parseTimestamp(fromHex(`00${hex}`), bytes('x'))))).toBe(`00${hex}`);
  });

  it('refuses payloads over 8192 bytes', () => {
    expect(codeOf(() => read(`0102030405060708${'8140'}${'78'.repeat(8193)}`))).toBe('OTS_MALFORMED');
    expect(codeOf(() => read(`${PENDING_TAG}${'8140'}${'78'.repeat(8193)}`))).toBe('OTS_MALFORMED');
  });

  it('calendar URIs: a restricted alphabet, at most 1000 bytes', () => {
    expect(codeOf(() => read(`${PENDING_TAG}0706${toHex(bytes('fo%bar'))}`))).toBe('OTS_MALFORMED');
    expect(read(`${PENDING_TAG}ea07e807${'78'.repeat(1000)}`)).toHaveLength(1);
    expect(codeOf(() => read(`${PENDING_TAG}eb07e907${'78'.repeat(1001)}`))).toBe('OTS_MALFORMED');
  });

  it('refuses trailing bytes inside a payload', () => {
    expect(codeOf(() => read(`${PENDING_TAG}0806${toHex(bytes('foobarx'))}`))).toBe('OTS_TRAILING_DATA');
    expect(codeOf(() => read('0588960d73d7190102' + '00ff'))).toBe('OTS_TRAILING_DATA');
  });

  it('orders Bitcoin before pending, like the reference', () => {
    const stamp: Timestamp = { msg: bytes('x'), attestations: [pending(''), { kind: 'bitcoin', height: 1 }], ops: [] };
    expect(toHex(serializeTimestamp(stamp)).slice(0, 20)).toBe('ff000588960d73d71901');
  });
});

describe('detached files (DetachedTimestampFile)', () => {
  const empty = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

  it('writes the header, version 1, the hash op and digest, then the tree', () => {
    const timestamp = newTimestamp(fromHex(empty));
    timestamp.attestations.push(pending('foobar'));
    const out = serializeDetached({ hashOp: 'sha256', timestamp });
    expect(toHex(out)).toBe(`${toHex(HEADER_MAGIC)}0108${empty}${pendingBytes('foobar')}`);
  });

  it('refuses a wrong magic, version, op or trailing bytes (the reference’s failure cases)', () => {
    const magic = toHex(HEADER_MAGIC);
    expect(codeOf(() => parseDetached(new Uint8Array()))).toBe('OTS_BAD_MAGIC');
    expect(codeOf(() => parseDetached(fromHex(`${toHex(bytes('\u0000Not a OpenTimestamps Proof \u0000'))}bf89e2e884e8929401`)))).toBe('OTS_BAD_MAGIC');
    expect(codeOf(() => parseDetached(fromHex(`${magic}00`)))).toBe('OTS_BAD_VERSION');
    expect(codeOf(() => parseDetached(fromHex(`${magic}0142${'00'.repeat(32)}${pendingBytes('foobar')}`)))).toBe('OTS_UNKNOWN_OP');
    expect(codeOf(() => parseDetached(fromHex(`${magic}0108${empty}${pendingBytes('foobar')}${toHex(bytes('trailing garbage'))}`)))).toBe('OTS_TRAILING_DATA');
  });
});

describe('every example file, as the reference reads it (expected.json)', () => {
  for (const want of expected.proofs) {
    it(want.file, () => {
      const data = file(want.file);
      if (!want.parses) {
        expect(codeOf(() => parseDetached(data))).toMatch(/^OTS_/);
        return;
      }
      const proof = parseDetached(data);
      expect(proof.hashOp).toBe(want.hashOp);
      expect(toHex(proof.timestamp.msg)).toBe(want.digest);
      const again = serializeDetached(proof);
      expect(toHex(again) === toHex(data)).toBe(want.reserializedEqualsInput);
      expect(createHash('sha256').update(again).digest('hex')).toBe(want.reserializedSha256);
      const mine = leaves(proof.timestamp).map((l) => {
        const a = l.attestation;
        const base = { commitment: toHex(l.msg), kind: a.kind };
        if (a.kind === 'pending') return { ...base, uri: a.uri };
        if (a.kind === 'bitcoin') return { ...base, height: a.height };
        return { ...base, tag: toHex(a.tag) };
      });
      const theirs = want.attestations!.map((a) => (a.kind === 'unknown' ? { commitment: a.commitment, kind: 'unknown', tag: a.tag } : a));
      const key = (x: unknown): string => JSON.stringify(x, Object.keys(x as object).sort());
      expect(mine.map(key).sort()).toEqual(theirs.map(key).sort());
    });
  }

  it('the examples’ documents hash to their proofs’ digests', () => {
    for (const name of ['hello-world.txt', 'incomplete.txt', 'two-calendars.txt', 'merkle1.txt', 'bad-stamp.txt', 'empty']) {
      const digest = createHash('sha256')
        .update(file(`client/${name}`))
        .digest('hex');
      expect(toHex(parseDetached(file(`client/${name}.ots`)).timestamp.msg)).toBe(digest);
    }
    const sha1 = (n: string): string =>
      createHash('sha1')
        .update(file(`client/sha1/${n}`))
        .digest('hex');
    expect(sha1('a')).toBe(sha1('b')); // the shattered.io pair: one proof for both
    expect(toHex(parseDetached(file('client/sha1/a-or-b.ots')).timestamp.msg)).toBe(sha1('a'));
  });
});

describe('stamping and upgrading (the client’s steps)', () => {
  it('commits to sha256(digest ‖ nonce), as the reference computes it', () => {
    const start = startStamp(file(expected.stamp.document), fromHex(expected.stamp.nonce));
    expect(toHex(start.commitment)).toBe(expected.stamp.commitment);
    start.tip.attestations.push(pending(expected.stamp.withPending.uri));
    expect(toHex(serializeDetached(start.file))).toBe(expected.stamp.withPending.ots);
  });

  it('merges a calendar’s answer at the commitment', () => {
    const start = startStamp(bytes('doc'), new Uint8Array(16));
    addCalendarAnswer(start.tip, fromHex(`f00101${'08'}${pendingBytes('http://127.0.0.1:1')}`));
    expect(pendingCommitments(start.file.timestamp).map((p) => p.uri)).toEqual(['http://127.0.0.1:1']);
    expect(codeOf(() => addCalendarAnswer(start.tip, fromHex('f001')))).toBe('OTS_TRUNCATED');
  });

  it('upgrades incomplete.txt.ots with alice’s recorded answer to the same bytes as the reference', () => {
    const proof = parseDetached(file('client/incomplete.txt.ots'));
    const [only, ...rest] = pendingCommitments(proof.timestamp);
    expect(rest).toEqual([]);
    expect(only!.uri).toBe('https://alice.btc.calendar.opentimestamps.org');
    addUpgradeAnswer(only!, file('recorded/alice-incomplete-upgrade.bin'));
    const out = serializeDetached(proof);
    expect(createHash('sha256').update(out).digest('hex')).toBe(expected.upgrade.sha256);
    expect(toHex(out)).toBe(toHex(file(expected.upgrade.file)));
  });

  it('shrinks to the earliest Bitcoin attestation and nothing else', () => {
    const proof = parseDetached(file('js/osdsp.txt.ots'));
    const shrunk = shrinkToBitcoin(proof.timestamp)!;
    const all = leaves(shrunk);
    expect(all.map((l) => l.attestation)).toEqual([{ kind: 'bitcoin', height: 523364 }]);
    const original = leaves(proof.timestamp).find((l) => l.attestation.kind === 'bitcoin')!;
    expect(toHex(all[0]!.msg)).toBe(toHex(original.msg));
    expect(shrinkToBitcoin(parseDetached(file('client/incomplete.txt.ots')).timestamp)).toBeNull();
  });
});
