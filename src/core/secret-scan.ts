/**
 * Finds private key material in a file's bytes: the repository and the built site are
 * public, so any private key in them is a published one (`candor check`, the site build).
 *
 * What counts: an armored OpenPGP private key block, a PEM or OpenSSH private key (each
 * as an armor line at a line start followed by a base64 body, so that source code naming
 * the header in a string or a pattern is not mistaken for a key), and a binary OpenPGP
 * file whose first packet is a secret key or secret subkey that openpgp.js reads as one,
 * and a C2SP signed-note signer key (`PRIVATE+KEY+<name>+<key ID>+<base64>`: a log's or a
 * witness's key, src/core/tlog/note.ts).
 */
import * as openpgp from 'openpgp';

export type SecretKind = 'openpgp-armored' | 'openpgp-binary' | 'pem' | 'openssh' | 'signed-note';

// The armor lines are spelt with \x20 and -{5} so that this file is not itself a match for
// scanners of private keys (ours and others).
const ARMORED = [
  { kind: 'openpgp-armored', begin: /^-{5}BEGIN PGP PRIVATE\x20KEY BLOCK-{5}\r?$/m },
  { kind: 'openssh', begin: /^-{5}BEGIN OPENSSH PRIVATE\x20KEY-{5}\r?$/m },
  { kind: 'pem', begin: /^-{5}BEGIN (?:RSA |EC |DSA |ENCRYPTED |ED25519 )?PRIVATE\x20KEY-{5}\r?$/m },
] as const;

/** Armor headers (`Version: …`) and a blank line may come first; then base64. */
const BODY = /^(?:[A-Za-z-]+: [^\n]*\r?\n)*\r?\n?[A-Za-z0-9+/=]{16,}\r?$/m;

/** Old-format (0b10tttt ll) and new-format (0b11tttttt) packet headers of tags 5 and 7. */
function startsWithSecretPacket(bytes: Uint8Array): boolean {
  const b = bytes[0];
  if (b === undefined || (b & 0x80) === 0) return false;
  const tag = b & 0x40 ? b & 0x3f : (b >> 2) & 0x0f;
  return tag === 5 || tag === 7;
}

/** A signed-note signer key: name, 8 hex digits of key ID, base64 of type and 32-byte seed (44 characters). */
const NOTE_SIGNER = /PRIVATE\+KEY\+[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]{43}=?/;

function armoredKind(text: string): SecretKind | null {
  for (const { kind, begin } of ARMORED) {
    for (const match of text.matchAll(new RegExp(begin.source, 'gm'))) {
      const after = text.slice(match.index + match[0].length + 1, match.index + match[0].length + 4096);
      if (BODY.test(after.split(/^-----END /m)[0] ?? '')) return kind;
    }
  }
  return null;
}

/**
 * A built page or data file carries a pasted key inside markup: `<p>-----BEGIN …` in HTML,
 * `"-----BEGIN …\\n…"` in JSON. Tags and escaped line breaks become line breaks first.
 */
function unwrapMarkup(text: string): string {
  return text.replace(/<[^>]*>/g, '\n').replace(/\\r\\n|\\n|&#10;|&#x0?a;/gi, '\n');
}

/** The kind of private key material in `bytes`, or null. `markup`: also inside HTML and JSON (a built site). */
export async function findPrivateKeyMaterial(bytes: Uint8Array, opts: { markup?: boolean } = {}): Promise<SecretKind | null> {
  if (startsWithSecretPacket(bytes)) {
    const key = await openpgp.readPrivateKey({ binaryKey: bytes }).catch(() => null);
    if (key) return 'openpgp-binary';
  }
  // Text: decoded leniently, so a key pasted into a file with other bytes is still found.
  const text = new TextDecoder('utf-8', { fatal: false }).decode(bytes);
  const armored = armoredKind(opts.markup ? unwrapMarkup(text) : text);
  return armored ?? (NOTE_SIGNER.test(text) ? 'signed-note' : null);
}
