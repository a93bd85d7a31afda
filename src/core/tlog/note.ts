/**
 * C2SP signed-note (decision 0030): a text ending in a newline, a blank line, then lines
 * `— <name> base64(keyID || signature)`. Keys are Ed25519 (type 0x01) for the log's
 * checkpoints and timestamped Ed25519 (type 0x04, `cosignature.ts`) for witnesses; verifier
 * keys are written `<name>+<hex keyID>+base64(type || public key)`, as golang.org/x/mod's
 * sumdb/note does, and signer keys `PRIVATE+KEY+<name>+<hex keyID>+base64(type || seed)`.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { sha256 } from '@noble/hashes/sha2.js';
import { concatBytes, decodeBase64, encodeBase64, utf8 } from './bytes.ts';

export const ED25519 = 0x01;
export const COSIGNATURE_V1 = 0x04;
export type KeyType = typeof ED25519 | typeof COSIGNATURE_V1;

/** The spec requires accepting at least 16; far more is a note made to exhaust a verifier. */
export const MAX_SIGNATURES = 100;

export interface VerifierKey {
  name: string;
  /** The 32-bit key ID, big-endian: SHA-256(name || 0x0A || type || public key)[:4]. */
  keyId: number;
  type: KeyType;
  publicKey: Uint8Array;
}

export interface SignerKey extends VerifierKey {
  /** The 32-byte Ed25519 seed (RFC 8032 private key). */
  seed: Uint8Array;
}

export interface NoteSignature {
  name: string;
  keyId: number;
  /** The signature bytes after the key ID. */
  signature: Uint8Array;
  /** The line as written, without its newline. */
  line: string;
}

export interface Note {
  /** The note text, with its final newline. */
  text: string;
  signatures: NoteSignature[];
}

export type NoteProblem =
  'malformed-note' | 'malformed-signature-line' | 'too-many-signatures' | 'bad-signature' | 'no-known-signature' | 'malformed-key' | 'key-id-mismatch';

/** Key names: non-empty, no Unicode space, no '+' (signed-note section Format). */
const KEY_NAME = /^[^\s+\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+$/u;
// Every ASCII control character but the newline is refused anywhere in a note.
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f]/;

export function isKeyName(name: string): boolean {
  return KEY_NAME.test(name);
}

export function keyId(name: string, type: KeyType, publicKey: Uint8Array): number {
  const digest = sha256(concatBytes(utf8(name), new Uint8Array([0x0a, type]), publicKey));
  return ((digest[0]! << 24) | (digest[1]! << 16) | (digest[2]! << 8) | digest[3]!) >>> 0;
}

function hex32(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function keyIdBytes(id: number): Uint8Array {
  return new Uint8Array([id >>> 24, (id >>> 16) & 0xff, (id >>> 8) & 0xff, id & 0xff]);
}

/** A signer key from a 32-byte seed the caller drew (the core draws no randomness). */
export function signerFromSeed(name: string, seed: Uint8Array, type: KeyType = ED25519): SignerKey {
  if (!isKeyName(name)) throw new RangeError(`a key name must be non-empty, without spaces or '+': ${JSON.stringify(name)}`);
  if (seed.length !== 32) throw new RangeError(`an Ed25519 seed has 32 bytes, got ${seed.length}`);
  const publicKey = ed25519.getPublicKey(seed);
  return { name, type, publicKey, seed: new Uint8Array(seed), keyId: keyId(name, type, publicKey) };
}

export function formatVerifierKey(key: VerifierKey): string {
  return `${key.name}+${hex32(key.keyId)}+${encodeBase64(concatBytes(new Uint8Array([key.type]), key.publicKey))}`;
}

export function formatSignerKey(key: SignerKey): string {
  return `PRIVATE+KEY+${key.name}+${hex32(key.keyId)}+${encodeBase64(concatBytes(new Uint8Array([key.type]), key.seed))}`;
}

interface KeyParts {
  name: string;
  keyId: number;
  type: KeyType;
  material: Uint8Array;
}

function parseKeyParts(name: string, id: string, encoded: string): KeyParts | NoteProblem {
  if (!isKeyName(name) || !/^[0-9a-f]{8}$/.test(id)) return 'malformed-key';
  const bytes = decodeBase64(encoded);
  if (!bytes || bytes.length !== 33 || (bytes[0] !== ED25519 && bytes[0] !== COSIGNATURE_V1)) return 'malformed-key';
  return { name, keyId: parseInt(id, 16), type: bytes[0], material: bytes.subarray(1) };
}

/** `count` fields split at the first count − 1 '+' (base64 may contain '+' too). */
function splitPlus(text: string, count: number): string[] | null {
  const parts: string[] = [];
  let rest = text;
  for (let i = 1; i < count; i++) {
    const at = rest.indexOf('+');
    if (at < 0) return null;
    parts.push(rest.slice(0, at));
    rest = rest.slice(at + 1);
  }
  return [...parts, rest];
}

/** Reads a vkey; its key ID must be the one its name, type and key give. */
export function parseVerifierKey(vkey: string): VerifierKey | NoteProblem {
  const parts = splitPlus(vkey, 3);
  if (!parts) return 'malformed-key';
  const key = parseKeyParts(parts[0]!, parts[1]!, parts[2]!);
  if (typeof key === 'string') return key;
  if (keyId(key.name, key.type, key.material) !== key.keyId) return 'key-id-mismatch';
  return { name: key.name, keyId: key.keyId, type: key.type, publicKey: key.material };
}

/** Reads a signer key; the key ID must match the public key derived from the seed. */
export function parseSignerKey(skey: string): SignerKey | NoteProblem {
  const parts = splitPlus(skey, 5);
  if (!parts || parts[0] !== 'PRIVATE' || parts[1] !== 'KEY') return 'malformed-key';
  const key = parseKeyParts(parts[2]!, parts[3]!, parts[4]!);
  if (typeof key === 'string') return key;
  const signer = signerFromSeed(key.name, key.material, key.type);
  return signer.keyId === key.keyId ? signer : 'key-id-mismatch';
}

const SIGNATURE_LINE = /^— (\S+) (\S+)$/u;

/** A note as served (bytes): it must be valid UTF-8 (signed-note section Format); null otherwise. */
export function decodeNote(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    return null;
  }
}

/** Splits a signed note into its text and signature lines, without checking any signature. */
export function parseNote(note: string): Note | NoteProblem {
  if (CONTROL.test(note) || !note.endsWith('\n')) return 'malformed-note';
  const split = note.lastIndexOf('\n\n');
  if (split < 0) return 'malformed-note';
  const text = note.slice(0, split + 1);
  const lines = note.slice(split + 2, -1).split('\n');
  if (lines.length > MAX_SIGNATURES) return 'too-many-signatures';
  const signatures: NoteSignature[] = [];
  for (const line of lines) {
    const m = SIGNATURE_LINE.exec(line);
    const bytes = m ? decodeBase64(m[2]!) : null;
    if (!m || !bytes || bytes.length < 5 || !isKeyName(m[1]!)) return 'malformed-signature-line';
    const id = ((bytes[0]! << 24) | (bytes[1]! << 16) | (bytes[2]! << 8) | bytes[3]!) >>> 0;
    signatures.push({ name: m[1]!, keyId: id, signature: bytes.subarray(4), line });
  }
  return { text, signatures };
}

/** RFC 8032 strict verification (not ZIP-215), as Go's crypto/ed25519 checks. */
export function verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean {
  if (signature.length !== 64 || publicKey.length !== 32) return false;
  try {
    return ed25519.verify(signature, message, publicKey, { zip215: false });
  } catch {
    return false;
  }
}

export interface VerifiedNote {
  note: Note;
  /** The known keys whose signatures verified, in the order of the signature lines. */
  verifiedBy: VerifierKey[];
}

/** Checks one signature of a known key: Ed25519 keys here; cosignatures in cosignature.ts. */
export type SignatureCheck = (key: VerifierKey, text: string, signature: Uint8Array) => boolean;

export const checkEd25519Signature: SignatureCheck = (key, text, signature) => key.type === ED25519 && verifyEd25519(key.publicKey, utf8(text), signature);

/**
 * Opens a signed note as the spec says: signatures by unknown (name, key ID) pairs are
 * ignored; a known key's failing signature rejects the whole note; at least one known key
 * must have signed.
 */
export function openNote(signed: string, known: readonly VerifierKey[], check: SignatureCheck = checkEd25519Signature): VerifiedNote | NoteProblem {
  const note = parseNote(signed);
  if (typeof note === 'string') return note;
  const verifiedBy: VerifierKey[] = [];
  for (const sig of note.signatures) {
    const key = known.find((k) => k.name === sig.name && k.keyId === sig.keyId);
    if (!key) continue;
    if (!check(key, note.text, sig.signature)) return 'bad-signature';
    if (!verifiedBy.includes(key)) verifiedBy.push(key);
  }
  return verifiedBy.length > 0 ? { note, verifiedBy } : 'no-known-signature';
}

export function signatureLine(name: string, id: number, signature: Uint8Array): string {
  return `— ${name} ${encodeBase64(concatBytes(keyIdBytes(id), signature))}`;
}

/** The Ed25519 signature line of `signer` over the note text (deterministic, RFC 8032). */
export function signText(text: string, signer: SignerKey): string {
  if (signer.type !== ED25519) throw new RangeError(`${signer.name} is not a note-signing (Ed25519, type 1) key`);
  return signatureLine(signer.name, signer.keyId, ed25519.sign(utf8(text), signer.seed));
}

/** A signed note: the text (ending in a newline, without a blank last line), a blank line, the signature lines. */
export function formatNote(text: string, signatureLines: readonly string[]): string {
  if (!text.endsWith('\n') || CONTROL.test(text) || signatureLines.length === 0)
    throw new RangeError('a note text ends in a newline, has no control characters, and gets at least one signature');
  return `${text}\n${signatureLines.map((l) => `${l}\n`).join('')}`;
}

/** Adds signature lines to a signed note (a witness's cosignature to a checkpoint, say). */
export function addSignatures(note: Note, lines: readonly string[]): string {
  return formatNote(note.text, [...note.signatures.map((s) => s.line), ...lines]);
}
