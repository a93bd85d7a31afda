/**
 * Reads v4 signature packets by hand, for the fast path only (decision 0005). It reads
 * the narrow shape that candor, gpg, sq and rnp write for a cleartext signature, and
 * returns null for ANYTHING else (other versions, partial lengths, unknown or critical
 * subpackets, duplicates, trailing bytes), so that openpgp.js reads the packets instead.
 * What it returns must always be what openpgp.js would read: test/property/fast-path.test.ts.
 * It also takes only packets encoded exactly as openpgp.js writes them again (new-format
 * header, every length in its shortest form, MPIs without leading zeros): the published
 * file must be the framing of what was read (armor.ts), and the openpgp.js reader checks
 * that against openpgp.js's own encoding of the packets.
 */
import { toHex } from './fast-crypto.ts';

export interface FastSignature {
  /** The whole packet, header included: what openpgp.js is given when the fast path cannot decide. */
  bytes: Uint8Array;
  type: number;
  publicKeyAlgorithm: number;
  hashAlgorithm: number;
  /** Version through the end of the hashed subpackets: the signed part of the packet (RFC 4880 5.2.4). */
  hashedPart: Uint8Array;
  created: Date;
  /** Lower-case hex, as openpgp.js's KeyID.toHex(). */
  issuerKeyID: string;
  signedHashValue: Uint8Array;
  /** The EdDSA MPIs as stored, without their bit counts. */
  r: Uint8Array;
  s: Uint8Array;
}

const EDDSA_LEGACY = 22;
const WILDCARD = '0'.repeat(16);
const SUB = { created: 2, issuer: 16, notation: 20, issuerFingerprint: 33 } as const;

const readUint = (b: Uint8Array, at: number, n: number): number => {
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + b[at + i]!;
  return v;
};

/** How many octets openpgp.js's writeSimpleLength takes for a length (RFC 4880 4.2.2). */
const lengthOctets = (len: number): number => (len < 192 ? 1 : len < 8384 ? 2 : 5);

/** One packet header; null for anything but a complete, non-partial length. */
function packetAt(data: Uint8Array, at: number): { tag: number; body: number; end: number; canonical: boolean } | null {
  const first = data[at];
  if (first === undefined || (first & 0x80) === 0) return null;
  let tag: number;
  let len: number;
  let body: number;
  if (first & 0x40) {
    tag = first & 0x3f;
    const b1 = data[at + 1];
    if (b1 === undefined) return null;
    if (b1 < 192) [len, body] = [b1, at + 2];
    else if (b1 < 224) [len, body] = [((b1 - 192) << 8) + (data[at + 2] ?? NaN) + 192, at + 3];
    else if (b1 === 255) [len, body] = [readUint(data, at + 2, 4), at + 6];
    else return null;
  } else {
    tag = (first >> 2) & 0x0f;
    const type = first & 3;
    if (type === 3) return null;
    const n = 1 << type;
    [len, body] = [readUint(data, at + 1, n), at + 1 + n];
  }
  const end = body + len;
  // As openpgp.js writes it: the new format, the length in its shortest form.
  const canonical = (first & 0x40) !== 0 && body - at - 1 === lengthOctets(len);
  return Number.isFinite(end) && end <= data.length ? { tag, body, end, canonical } : null;
}

interface Subpackets {
  created?: Date;
  issuers: string[];
}

/** A well-formed notation: openpgp.js salts its v4 signatures with a non-critical one, which changes nothing in verification. */
const isNotation = (body: Uint8Array): boolean => body.length >= 8 && body.length === 8 + readUint(body, 4, 2) + readUint(body, 6, 2);

/** Subpackets of one area; false when one is outside the whitelist or malformed. */
function readSubpackets(b: Uint8Array, from: number, to: number, hashed: boolean, out: Subpackets): boolean {
  let i = from;
  while (i < to) {
    const start = i;
    const first = b[i]!;
    let len: number;
    if (first < 192) [len, i] = [first, i + 1];
    else if (first < 255) [len, i] = [((first - 192) << 8) + b[i + 1]! + 192, i + 2];
    else [len, i] = [readUint(b, i + 1, 4), i + 5];
    if (!(len >= 1 && i + len <= to)) return false; // also false for NaN, read past the end
    if (i - start !== lengthOctets(len)) return false; // openpgp.js would write it shorter
    const critical = (b[i]! & 0x80) !== 0;
    const type = b[i]! & 0x7f;
    const body = b.subarray(i + 1, i + len);
    i += len;
    // openpgp.js marks the creation time critical; any other critical subpacket is for the rules (check-signatures.ts) to judge.
    if (critical && !(hashed && type === SUB.created)) return false;
    if (type === SUB.issuer && body.length === 8) out.issuers.push(toHex(body));
    else if (type === SUB.issuerFingerprint && body.length === 21 && body[0] === 4) out.issuers.push(toHex(body.subarray(13)));
    else if (hashed && type === SUB.created && body.length === 4 && !out.created) out.created = new Date(readUint(body, 0, 4) * 1000);
    else if (!(hashed && type === SUB.notation && !critical && isNotation(body))) return false;
  }
  return i === to;
}

/** An MPI's bytes (RFC 4880 3.2) in the one encoding openpgp.js writes (exact bit count, no leading zero), or null. */
function mpiAt(b: Uint8Array, at: number, end: number): { value: Uint8Array; next: number } | null {
  if (at + 2 > end) return null;
  const bits = readUint(b, at, 2);
  const next = at + 2 + ((bits + 7) >>> 3);
  const lead = b[at + 2];
  if (next > end || lead === undefined || lead === 0 || bits !== (next - at - 3) * 8 + (32 - Math.clz32(lead))) return null;
  return { value: b.subarray(at + 2, next), next };
}

function readSignature(data: Uint8Array, start: number, body: number, end: number): FastSignature | null {
  const b = data;
  if (end - body < 6 || b[body] !== 4) return null;
  const hashedEnd = body + 6 + readUint(b, body + 4, 2);
  if (hashedEnd + 2 > end) return null;
  const sub: Subpackets = { issuers: [] };
  if (!readSubpackets(b, body + 6, hashedEnd, true, sub)) return null;
  const unhashedEnd = hashedEnd + 2 + readUint(b, hashedEnd, 2);
  if (unhashedEnd + 2 > end || !readSubpackets(b, hashedEnd + 2, unhashedEnd, false, sub)) return null;
  // openpgp.js keeps the last issuer it reads; the fast path only takes signatures where they all agree.
  // An all-zero ("wildcard") key ID matches any key in openpgp.js: not for the fast path either.
  const issuer = sub.issuers[0];
  if (!sub.created || !issuer || issuer === WILDCARD || sub.issuers.some((id) => id !== issuer)) return null;
  // Only EdDSA's signature fields are read here: any other algorithm is left to openpgp.js whole.
  const publicKeyAlgorithm = b[body + 2]!;
  const r = publicKeyAlgorithm === EDDSA_LEGACY ? mpiAt(b, unhashedEnd + 2, end) : null;
  const s = r && mpiAt(b, r.next, end);
  if (!r || !s || s.next !== end) return null;
  return {
    bytes: data.subarray(start, end),
    type: b[body + 1]!,
    publicKeyAlgorithm,
    hashAlgorithm: b[body + 3]!,
    hashedPart: b.subarray(body, hashedEnd),
    created: sub.created,
    issuerKeyID: issuer,
    signedHashValue: b.subarray(unhashedEnd, unhashedEnd + 2),
    r: r.value,
    s: s.value,
  };
}

/** Every packet must be a v4 signature this reader fully understands, or the answer is null. */
export function readSignaturePackets(data: Uint8Array): FastSignature[] | null {
  const out: FastSignature[] = [];
  for (let at = 0; at < data.length;) {
    const p = packetAt(data, at);
    if (!p || p.tag !== 2 || !p.canonical) return null;
    const sig = readSignature(data, at, p.body, p.end);
    if (!sig) return null;
    out.push(sig);
    at = p.end;
  }
  return out.length > 0 ? out : null;
}
