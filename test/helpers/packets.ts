/**
 * Signature packets built byte by byte, for attacks that no OpenPGP library will write:
 * chosen subpackets in either area (critical or not, duplicated, missing), old-format
 * headers, padded lengths and MPIs. The signature itself is a real Ed25519 signature by
 * the test key (RFC 4880 5.2.4 over the CRLF text), so only the chosen oddity is wrong.
 *
 *   const bytes = craftSignature(text, key, { created: at(0), hashed: [expiration(3600, true)] });
 */
import { createHash, createPrivateKey, sign } from 'node:crypto';
import type * as openpgp from 'openpgp';
import type { TestKey } from './world.ts';

/** A key pair as the tests hold it (a TestKey, or an unlocked demo key). */
export type Signer = Pick<TestKey, 'privateKey' | 'publicKey'>;

export interface Subpacket {
  type: number;
  critical?: boolean;
  body: Uint8Array;
  /** Write the length in five octets (255 + 4), which no encoder does for a short body. */
  longLength?: boolean;
}

export const SUB = { created: 2, expiration: 3, issuer: 16, notation: 20, keyFlags: 27, issuerFingerprint: 33 } as const;

const u32 = (n: number) => new Uint8Array([n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff]);
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

export const creationTime = (d: Date, critical = false): Subpacket => ({ type: SUB.created, critical, body: u32(seconds(d)) });
/** Signature expiration: `after` seconds after creation (RFC 9580 5.2.3.18). */
export const expiration = (after: number, critical = false): Subpacket => ({ type: SUB.expiration, critical, body: u32(after) });
export const issuerFingerprint = (key: openpgp.Key, critical = false): Subpacket => ({
  type: SUB.issuerFingerprint,
  critical,
  body: concat(new Uint8Array([4]), key.keyPacket.getFingerprintBytes()!),
});
export const issuerKeyID = (key: openpgp.Key): Subpacket => ({ type: SUB.issuer, body: Uint8Array.from(Buffer.from(key.getKeyID().toHex(), 'hex')) });

function subpacketBytes(s: Subpacket): Uint8Array {
  const len = s.body.length + 1;
  const length = s.longLength
    ? concat(new Uint8Array([255]), u32(len))
    : len < 192
      ? new Uint8Array([len])
      : new Uint8Array([((len - 192) >> 8) + 192, (len - 192) & 0xff]);
  return concat(length, new Uint8Array([(s.critical ? 0x80 : 0) | s.type]), s.body);
}

const area = (subs: Subpacket[]) => {
  const body = concat(...subs.map(subpacketBytes));
  return concat(new Uint8Array([body.length >> 8, body.length & 0xff]), body);
};

function mpi(value: Uint8Array, opts: { pad?: boolean | undefined } = {}): Uint8Array {
  let v = value;
  while (!opts.pad && v.length > 1 && v[0] === 0) v = v.subarray(1);
  const bits = opts.pad ? v.length * 8 : (v.length - 1) * 8 + (32 - Math.clz32(v[0]!));
  return concat(new Uint8Array([bits >> 8, bits & 0xff]), v);
}

export interface CraftOptions {
  created: Date;
  /** Hashed subpackets; by default the creation time then the issuer fingerprint. */
  hashed?: Subpacket[];
  /** Extra hashed subpackets after the default ones. */
  extraHashed?: Subpacket[];
  /** Unhashed subpackets; by default the issuer key ID, as gpg writes it. */
  unhashed?: Subpacket[];
  /** The old packet format (CTB 0x88/0x89), as GnuPG writes signatures. */
  oldFormat?: boolean;
  /**
   * MPIs written with a full 256-bit count, leading zero bits included. Only a value whose
   * top bit is clear shows it, so the creation time moves on by whole seconds until one does.
   */
  padMPIs?: boolean;
  /** 0x01 text (default) or 0x00 binary. */
  type?: number;
}

/** The Ed25519 private key of a v4 EdDSA-legacy test key, for node:crypto. */
function privateKeyOf(key: Signer) {
  const packet = key.privateKey.keyPacket as unknown as { privateParams: { seed: Uint8Array }; publicParams: { Q: Uint8Array } };
  const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
  return createPrivateKey({ key: { kty: 'OKP', crv: 'Ed25519', d: b64(packet.privateParams.seed), x: b64(packet.publicParams.Q.subarray(1)) }, format: 'jwk' });
}

/** One v4 EdDSA-legacy SHA-512 signature packet over `text` (canonical: its LFs signed as CRLF). */
export function craftSignature(text: string, key: Signer, opts: CraftOptions): Uint8Array {
  for (let shift = 0; opts.padMPIs; shift++) {
    const packet = craftOnce(text, key, { ...opts, created: new Date(opts.created.getTime() + shift * 1000) });
    if (packet.at(-66)! < 0x80 || packet.at(-32)! < 0x80) return packet;
  }
  return craftOnce(text, key, opts);
}

function craftOnce(text: string, key: Signer, opts: CraftOptions): Uint8Array {
  const hashedSubs = opts.hashed ?? [creationTime(opts.created), issuerFingerprint(key.publicKey), ...(opts.extraHashed ?? [])];
  const hashedPart = concat(new Uint8Array([4, opts.type ?? 0x01, 22, 10]), area(hashedSubs));
  const trailer = concat(new Uint8Array([4, 0xff]), u32(hashedPart.length));
  const data = opts.type === 0x00 ? text : text.replace(/\r?\n/g, '\r\n');
  const digest = createHash('sha512').update(data).update(hashedPart).update(trailer).digest();
  const rs = sign(null, digest, privateKeyOf(key));
  const body = concat(
    hashedPart,
    area(opts.unhashed ?? [issuerKeyID(key.publicKey)]),
    digest.subarray(0, 2),
    mpi(rs.subarray(0, 32), { pad: opts.padMPIs }),
    mpi(rs.subarray(32), { pad: opts.padMPIs }),
  );
  const header = opts.oldFormat
    ? body.length < 256
      ? new Uint8Array([0x88, body.length])
      : new Uint8Array([0x89, body.length >> 8, body.length & 0xff])
    : body.length < 192
      ? new Uint8Array([0xc2, body.length])
      : new Uint8Array([0xc2, ((body.length - 192) >> 8) + 192, (body.length - 192) & 0xff]);
  return concat(header, body);
}

/** A marker packet (tag 10, "PGP"): readers must ignore it (RFC 9580 5.8). */
export const MARKER_PACKET = new Uint8Array([0xca, 0x03, 0x50, 0x47, 0x50]);

type RawSign = (key: openpgp.AnySecretKeyPacket, data: object, date: Date, detached: boolean, config: openpgp.Config) => Promise<void>;

/** Signs `data` with a key packet directly, skipping every key-validity check openpgp.js makes (as an attacker's tooling would). */
export async function rawSign(packet: openpgp.SignaturePacket, key: openpgp.AnySecretKeyPacket, data: object, date: Date): Promise<openpgp.SignaturePacket> {
  const { config } = await import('openpgp');
  await (packet.sign as unknown as RawSign).call(packet, key, data, date, false, config);
  return packet;
}

/** A SHA-512 text signature over `text` by the signing subkey of `key` (or its primary key), whatever openpgp.js thinks of the key. */
export async function forgeWith(text: string, key: Signer, created: Date, by: 'subkey' | 'primary' = 'subkey'): Promise<openpgp.SignaturePacket> {
  const pgp = await import('openpgp');
  const signing = by === 'primary' ? key.privateKey.keyPacket : key.privateKey.subkeys.find((s) => s.getAlgorithmInfo().algorithm === 'eddsaLegacy')!.keyPacket;
  const literal = new pgp.LiteralDataPacket();
  (literal as unknown as { setText(t: string): void }).setText(text.replace(/\r?\n/g, '\r\n'));
  const packet = new pgp.SignaturePacket();
  packet.signatureType = pgp.enums.signature.text;
  packet.publicKeyAlgorithm = signing.algorithm;
  packet.hashAlgorithm = pgp.enums.hash.sha512;
  return rawSign(packet, signing as openpgp.AnySecretKeyPacket, literal, created);
}

/** The same packets with old-format headers (CTB 0x88/0x89), as GnuPG writes signatures; new-format input only. */
export function toOldFormat(bytes: Uint8Array): Uint8Array {
  const out: number[] = [];
  for (let at = 0; at < bytes.length;) {
    const tag = bytes[at]! & 0x3f;
    const b1 = bytes[at + 1]!;
    const [len, body] = b1 < 192 ? [b1, at + 2] : [((b1 - 192) << 8) + bytes[at + 2]! + 192, at + 3];
    out.push(...(len < 256 ? [0x80 | (tag << 2), len] : [0x81 | (tag << 2), len >> 8, len & 0xff]), ...bytes.subarray(body, body + len));
    at = body + len;
  }
  return Uint8Array.from(out);
}
