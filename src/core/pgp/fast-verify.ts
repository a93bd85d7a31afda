/**
 * Checks a v4 EdDSA-legacy text signature by hand (decision 0005): the hash of RFC 4880
 * 5.2.4 (canonical text with CRLF, the hashed part of the packet, the v4 trailer), then
 * Ed25519 through the injected primitives. It only ever says "good": false means "let
 * openpgp.js decide", which then verifies the signature or says why it fails.
 */
import type * as openpgp from 'openpgp';
import type { HashName, FastCrypto } from './fast-crypto.ts';
import { ed25519LegacyPoint } from './openpgp-internals.ts';
import type { FastSignature } from './signature-packet.ts';

const TEXT_SIGNATURE = 0x01;
const EDDSA_LEGACY = 22;
/** SHA-256 and up: openpgp.js refuses weaker hashes for EdDSA; other ids are left to it. */
const HASHES: Record<number, HashName> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
/** openpgp.js strips trailing blanks and CRs from each line before hashing: only text where that is a no-op. */
const NOT_CANONICAL = /[ \t]\n|[ \t]$|\r/;

function pad32(mpi: Uint8Array): Uint8Array {
  const out = new Uint8Array(32);
  out.set(mpi, 32 - mpi.length);
  return out;
}

/** True only when `signature` is a good signature by `signingKey` over `text` (maybe later, see FastCrypto). */
export function verifiesFast(text: string, signature: FastSignature, signingKey: openpgp.Key | openpgp.Subkey, crypto: FastCrypto): boolean | Promise<boolean> {
  const hash = HASHES[signature.hashAlgorithm];
  const point = ed25519LegacyPoint(signingKey);
  const { r, s } = signature;
  if (!hash || !point || signature.type !== TEXT_SIGNATURE || signature.publicKeyAlgorithm !== EDDSA_LEGACY) return false;
  if (r.length > 32 || s.length > 32 || NOT_CANONICAL.test(text)) return false;
  const length = signature.hashedPart.length;
  const trailer = new Uint8Array([0x04, 0xff, length >>> 24, (length >>> 16) & 0xff, (length >>> 8) & 0xff, length & 0xff]);
  const digest = crypto.digest(hash, [text.replaceAll('\n', '\r\n'), signature.hashedPart, trailer]);
  if (digest[0] !== signature.signedHashValue[0] || digest[1] !== signature.signedHashValue[1]) return false;
  const rs = new Uint8Array(64);
  rs.set(pad32(r));
  rs.set(pad32(s), 32);
  return crypto.verifyEd25519(point.subarray(1), digest, rs);
}
