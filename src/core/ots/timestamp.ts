/**
 * The timestamp tree and the detached `.ots` file, read and written byte for byte as the
 * reference client does (python-opentimestamps core/timestamp.py, core/notary.py):
 * nodes are messages, edges operations, leaves attestations. Writing sorts ops and
 * attestations in the reference's order, so a file it wrote reads back to the same bytes.
 */
import { bytesEqual, compareBytes, fromHex, Reader, toHex, Writer } from './bytes.ts';
import { OtsFormatError } from './errors.ts';
import {
  applyOp,
  compareOps,
  DIGEST_LENGTH,
  isHashOp,
  MAX_MSG_LENGTH,
  MAX_RESULT_LENGTH,
  opKindForTag,
  opsEqual,
  opTag,
  type HashOpKind,
  type Op,
} from './ops.ts';

export type Attestation =
  | { kind: 'pending'; uri: string }
  | { kind: 'bitcoin'; height: number }
  /** Litecoin, Ethereum and tags not yet defined: kept as read, never trusted. */
  | { kind: 'unknown'; tag: Uint8Array; payload: Uint8Array };

export interface Timestamp {
  msg: Uint8Array;
  attestations: Attestation[];
  ops: { op: Op; stamp: Timestamp }[];
}

export interface DetachedTimestamp {
  hashOp: HashOpKind;
  timestamp: Timestamp;
}

export const HEADER_MAGIC = fromHex('004f70656e54696d657374616d7073000050726f6f6600bf89e2e884e89294');
export const MAJOR_VERSION = 1;
export const TAG = { pending: fromHex('83dfe30d2ef90c8e'), bitcoin: fromHex('0588960d73d71901') } as const;
const MAX_PAYLOAD = 8192;
const MAX_URI_LENGTH = 1000;
const URI_CHARS = /^[A-Za-z0-9\-._/:]*$/;
/** The reference's recursion limit while reading a tree. */
const MAX_DEPTH = 256;

export function newTimestamp(msg: Uint8Array): Timestamp {
  return { msg, attestations: [], ops: [] };
}

function attestationTag(a: Attestation): Uint8Array {
  return a.kind === 'unknown' ? a.tag : TAG[a.kind];
}

/** Different kinds by tag; the same kind by URI, height, or tag and payload (notary.py __lt__). */
export function compareAttestations(a: Attestation, b: Attestation): number {
  if (a.kind === 'pending' && b.kind === 'pending') return a.uri < b.uri ? -1 : a.uri > b.uri ? 1 : 0;
  if (a.kind === 'bitcoin' && b.kind === 'bitcoin') return a.height - b.height;
  return compareBytes(attestationTag(a), attestationTag(b)) || (a.kind === 'unknown' && b.kind === 'unknown' ? compareBytes(a.payload, b.payload) : 0);
}

export function checkCalendarUri(uri: string): boolean {
  return uri.length <= MAX_URI_LENGTH && URI_CHARS.test(uri);
}

function readAttestation(r: Reader): Attestation {
  const tag = r.bytes(8);
  const payload = new Reader(r.varbytes(MAX_PAYLOAD));
  let out: Attestation;
  if (bytesEqual(tag, TAG.pending)) {
    const uri = new TextDecoder().decode(payload.varbytes(MAX_URI_LENGTH));
    if (!checkCalendarUri(uri)) {
      throw new OtsFormatError('OTS_MALFORMED', 'a pending attestation names an invalid calendar URI', {
        expected: 'letters, digits and -._/: only',
        received: uri,
      });
    }
    out = { kind: 'pending', uri };
  } else if (bytesEqual(tag, TAG.bitcoin)) {
    out = { kind: 'bitcoin', height: payload.varuint() };
  } else {
    return { kind: 'unknown', tag: tag.slice(), payload: payload.rest().slice() };
  }
  payload.assertEnd('an attestation');
  return out;
}

function writeAttestation(w: Writer, a: Attestation): void {
  w.bytes(attestationTag(a));
  const payload = new Writer();
  if (a.kind === 'pending') payload.varbytes(new TextEncoder().encode(a.uri));
  else if (a.kind === 'bitcoin') payload.varuint(a.height);
  else payload.bytes(a.payload);
  w.varbytes(payload.result());
}

function readOp(r: Reader, tag: number): Op {
  const kind = opKindForTag(tag);
  if (kind === undefined) {
    throw new OtsFormatError('OTS_UNKNOWN_OP', 'an unknown operation in the proof', {
      expected: 'one of the operations OpenTimestamps defines',
      received: `tag 0x${tag.toString(16).padStart(2, '0')}`,
    });
  }
  if (kind === 'append' || kind === 'prepend') return { kind, arg: r.varbytes(MAX_RESULT_LENGTH, 1).slice() };
  return { kind };
}

function writeOp(w: Writer, op: Op): void {
  w.byte(opTag(op));
  if ('arg' in op) w.varbytes(op.arg);
}

function addAttestation(stamp: Timestamp, a: Attestation): void {
  if (!stamp.attestations.some((b) => compareAttestations(a, b) === 0 && a.kind === b.kind)) stamp.attestations.push(a);
}

/** The node an op leads to from `stamp`, made if missing (the reference's OpSet.add). */
export function addOp(stamp: Timestamp, op: Op): Timestamp {
  const found = stamp.ops.find((e) => opsEqual(e.op, op));
  if (found) return found.stamp;
  const next = newTimestamp(applyOp(op, stamp.msg));
  stamp.ops.push({ op, stamp: next });
  return next;
}

/** Reads a tree whose root message is `msg` (not stored: the caller knows it). */
export function readTimestamp(r: Reader, msg: Uint8Array, depth = MAX_DEPTH): Timestamp {
  if (depth === 0) throw new OtsFormatError('OTS_TOO_DEEP', 'the proof is nested too deeply', { expected: `at most ${MAX_DEPTH} levels`, received: 'more' });
  const stamp = newTimestamp(msg);
  const branch = (tag: number): void => {
    if (tag === 0x00) {
      addAttestation(stamp, readAttestation(r));
      return;
    }
    const op = readOp(r, tag);
    const child = readTimestamp(r, applyOp(op, msg), depth - 1);
    const existing = stamp.ops.find((e) => opsEqual(e.op, op));
    if (existing) existing.stamp = child;
    else stamp.ops.push({ op, stamp: child });
  };
  let tag = r.byte();
  while (tag === 0xff) {
    branch(r.byte());
    tag = r.byte();
  }
  branch(tag);
  return stamp;
}

export function writeTimestamp(w: Writer, stamp: Timestamp): void {
  if (stamp.attestations.length === 0 && stamp.ops.length === 0) {
    throw new OtsFormatError('OTS_EMPTY', 'a timestamp with nothing in it cannot be written', { expected: 'an attestation or an operation' });
  }
  const attestations = [...stamp.attestations].sort(compareAttestations);
  const ops = [...stamp.ops].sort((a, b) => compareOps(a.op, b.op));
  attestations.forEach((a, i) => {
    // Every branch but the last is marked 0xff.
    if (i < attestations.length - 1 || ops.length > 0) w.byte(0xff);
    w.byte(0x00);
    writeAttestation(w, a);
  });
  ops.forEach(({ op, stamp: child }, i) => {
    if (i < ops.length - 1) w.byte(0xff);
    writeOp(w, op);
    writeTimestamp(w, child);
  });
}

export function parseDetached(data: Uint8Array): DetachedTimestamp {
  const r = new Reader(data);
  const magic = data.subarray(0, HEADER_MAGIC.length);
  if (!bytesEqual(magic, HEADER_MAGIC)) {
    throw new OtsFormatError('OTS_BAD_MAGIC', 'not an OpenTimestamps proof', {
      expected: 'a file starting with the .ots header',
      received: `${toHex(magic.subarray(0, 16))}…`,
    });
  }
  r.bytes(HEADER_MAGIC.length);
  const version = r.byte();
  if (version !== MAJOR_VERSION)
    throw new OtsFormatError('OTS_BAD_VERSION', 'an OpenTimestamps version this verifier does not know', {
      expected: `version ${MAJOR_VERSION}`,
      received: version,
    });
  const tag = r.byte();
  const kind = opKindForTag(tag);
  if (kind === undefined || !isHashOp(kind)) {
    throw new OtsFormatError('OTS_UNKNOWN_OP', 'the file is hashed with an unknown operation', {
      expected: 'sha256, sha1, ripemd160 or keccak256',
      received: `tag 0x${tag.toString(16).padStart(2, '0')}`,
    });
  }
  const digest = r.bytes(DIGEST_LENGTH[kind]).slice();
  const timestamp = readTimestamp(r, digest);
  r.assertEnd('the proof');
  return { hashOp: kind, timestamp };
}

export function serializeDetached(file: DetachedTimestamp): Uint8Array {
  if (file.timestamp.msg.length !== DIGEST_LENGTH[file.hashOp]) throw new RangeError('the digest does not fit the hash operation');
  const w = new Writer();
  w.bytes(HEADER_MAGIC);
  w.byte(MAJOR_VERSION);
  w.byte(opTag({ kind: file.hashOp }));
  w.bytes(file.timestamp.msg);
  writeTimestamp(w, file.timestamp);
  return w.result();
}

/** Reads a calendar's answer: a bare tree for the commitment that was sent. */
export function parseTimestamp(data: Uint8Array, msg: Uint8Array): Timestamp {
  if (msg.length > MAX_MSG_LENGTH) throw new RangeError('message too long');
  const r = new Reader(data);
  const stamp = readTimestamp(r, msg);
  r.assertEnd('the timestamp');
  return stamp;
}

export function serializeTimestamp(stamp: Timestamp): Uint8Array {
  const w = new Writer();
  writeTimestamp(w, stamp);
  return w.result();
}

/** Adds every op and attestation of `other` (for the same message) to `stamp`. */
export function mergeTimestamp(stamp: Timestamp, other: Timestamp): void {
  if (!bytesEqual(stamp.msg, other.msg)) throw new RangeError('cannot merge timestamps of different messages');
  for (const a of other.attestations) addAttestation(stamp, a);
  for (const { op, stamp: child } of other.ops) mergeTimestamp(addOp(stamp, op), child);
}

export interface Leaf {
  /** The commitment the attestation is made on. */
  msg: Uint8Array;
  attestation: Attestation;
  /** The ops from the root to this commitment. */
  path: Op[];
}

/** Every attestation in the tree with its commitment and path, depth first. */
export function leaves(stamp: Timestamp, path: Op[] = []): Leaf[] {
  return [
    ...stamp.attestations.map((attestation) => ({ msg: stamp.msg, attestation, path })),
    ...stamp.ops.flatMap(({ op, stamp: child }) => leaves(child, [...path, op])),
  ];
}

/** A tree of one path: from `msg` through `path` to the single attestation. */
export function pathTimestamp(msg: Uint8Array, path: Op[], attestation: Attestation): Timestamp {
  const root = newTimestamp(msg);
  let at = root;
  for (const op of path) at = addOp(at, op);
  at.attestations.push(attestation);
  return root;
}

/**
 * The proof shrunk to its earliest Bitcoin attestation (what a verifier needs with the
 * header chain; pending attestations say nothing offline). Null when there is none yet.
 */
export function shrinkToBitcoin(stamp: Timestamp): Timestamp | null {
  const bitcoin = leaves(stamp).filter((l) => l.attestation.kind === 'bitcoin');
  bitcoin.sort((a, b) => compareAttestations(a.attestation, b.attestation));
  const first = bitcoin[0];
  return first ? pathTimestamp(stamp.msg, first.path, first.attestation) : null;
}
