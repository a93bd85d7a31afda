/**
 * The verifier's fast-path primitives (src/core/pgp/fast-crypto.ts) from node:crypto.
 * Synchronous on purpose: Web Crypto sends every digest and verification to the thread
 * pool and back, which is most of the cost for a 2 KB heartbeat.
 */
import { createHash, createPublicKey, verify, type KeyObject } from 'node:crypto';
import type { FastCrypto } from '../core/pgp/fast-crypto.ts';

/** Imported public keys by their raw bytes (base64url); null when OpenSSL refuses the key. */
const keyObjects = new Map<string, KeyObject | null>();

function keyObject(raw: Uint8Array): KeyObject | null {
  const x = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength).toString('base64url');
  let key = keyObjects.get(x);
  if (key === undefined) {
    try {
      key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x }, format: 'jwk' });
    } catch {
      key = null;
    }
    keyObjects.set(x, key);
  }
  return key;
}

export const nodeCrypto: FastCrypto = {
  digest(algorithm, parts) {
    const hash = createHash(algorithm);
    // A string part is hashed as UTF-8 (lone surrogates as U+FFFD, as TextEncoder writes them).
    for (const part of parts) hash.update(part);
    return hash.digest();
  },
  verifyEd25519(publicKey, message, signature) {
    const key = publicKey.length === 32 ? keyObject(publicKey) : null;
    if (!key) return false;
    try {
      return verify(null, message, key, signature);
    } catch {
      return false;
    }
  },
};
