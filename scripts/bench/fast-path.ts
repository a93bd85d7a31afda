/**
 * A PROTOTYPE, for comparison only: checks a v4 EdDSA text signature with synchronous
 * node:crypto instead of openpgp.verify, to show what the signature step could cost.
 * It skips everything openpgp.js checks about the key (self-signatures, expiry,
 * revocation, key flags): a real fast path would check the key once with openpgp.js,
 * then only this per document. It reads openpgp.js packet fields its .d.ts omits.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type * as openpgp from 'openpgp';

interface SignatureFields {
  signatureData: Uint8Array;
  signedHashValue: Uint8Array;
  params: { r: Uint8Array; s: Uint8Array };
  hashAlgorithm: number;
}

const HASHES: Record<number, string> = { 8: 'sha256', 9: 'sha384', 10: 'sha512' };
const keyObjects = new WeakMap<openpgp.Key, KeyObject>();

function keyObject(key: openpgp.Key): KeyObject {
  let object = keyObjects.get(key);
  if (!object) {
    // EdDSALegacy public point: 0x40 then the 32-byte Ed25519 key.
    const q = (key.keyPacket as unknown as { publicParams: { Q: Uint8Array } }).publicParams.Q;
    object = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(q.subarray(1)).toString('base64url') }, format: 'jwk' });
    keyObjects.set(key, object);
  }
  return object;
}

const left32 = (mpi: Uint8Array): Buffer => {
  const out = Buffer.alloc(32);
  out.set(mpi, 32 - mpi.length);
  return out;
};

/** RFC 4880 §5.2.4: hash(text with CRLF, hashed part of the packet, 0x04 0xFF, its length). */
export function fastSignatureCheck(text: string, packet: openpgp.SignaturePacket, key: openpgp.Key): boolean {
  const p = packet as unknown as SignatureFields;
  const algorithm = HASHES[p.hashAlgorithm];
  if (!algorithm) return false;
  const length = Buffer.alloc(4);
  length.writeUInt32BE(p.signatureData.length);
  const digest = createHash(algorithm).update(text.replace(/\n/g, '\r\n')).update(p.signatureData).update(Buffer.from([0x04, 0xff])).update(length).digest();
  if (digest[0] !== p.signedHashValue[0] || digest[1] !== p.signedHashValue[1]) return false;
  return verify(null, digest, keyObject(key), Buffer.concat([left32(p.params.r), left32(p.params.s)]));
}
