/**
 * The primitives the verifier's fast path needs (see docs/decisions/0005-fast-verification.md).
 * The core never imports them: the I/O edge injects an implementation (src/io/node-crypto.ts,
 * src/io/ed25519-pool.ts); without one, every signature goes through openpgp.js and every
 * hash through Web Crypto, exactly as before.
 */
export type HashName = 'sha256' | 'sha384' | 'sha512';

export interface FastCrypto {
  /** The digest of the concatenation of `parts` (strings as UTF-8), synchronously. */
  digest(algorithm: HashName, parts: (Uint8Array | string)[]): Uint8Array;
  /**
   * RFC 8032 Ed25519 verification; false (never a throw) for a malformed key or signature.
   * May answer later: a worker thread can do it while the caller reads other documents.
   */
  verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean | Promise<boolean>;
}

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

export function toHex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += HEX[b];
  return out;
}

/** `sha256:<hex>` of the UTF-8 bytes, as documentHash() computes it with Web Crypto. */
export function documentHashSync(crypto: FastCrypto, text: string | Uint8Array): string {
  return `sha256:${toHex(crypto.digest('sha256', [text]))}`;
}
