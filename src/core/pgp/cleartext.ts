/**
 * Reads a cleartext-signed file for verification. The frame checks are armor.ts's; the
 * armor itself is read by hand when it has the plain shape candor, gpg and sq write
 * (decision 0005), and by openpgp.js otherwise, so that an unusual file gets exactly the
 * treatment it always got. Both readers must agree: test/property/fast-path.test.ts.
 */
import type * as openpgp from 'openpgp';
import type { Reason } from '../verify/reasons.ts';
import { decodeFrame, frameOf, type Frame } from './armor.ts';
import { BEGIN_SIG, BEGIN_SIGNED, END_SIG } from './framing.ts';
import { readSignaturePackets, type FastSignature } from './signature-packet.ts';

/** A signature packet as read by hand, or by openpgp.js. */
export type SignatureInput = FastSignature | openpgp.SignaturePacket;

export type ReadResult = { ok: true; value: { text: string; signatures: SignatureInput[] } } | { ok: false; reasons: Reason[] };

/** The Hash: header names of the hashes the fast path knows; any other goes to openpgp.js. */
const HASH_NAMES: Record<number, string> = { 8: 'SHA256', 9: 'SHA384', 10: 'SHA512' };
/**
 * A CR, a blank at a line's end, a line starting with '-' that is not the escape "- -"
 * of a line starting with '-' (candor escapes nothing else), or a Unicode line separator
 * (openpgp.js's multi-line armor regex sees a line start after it).
 */
const UNSAFE_TEXT = /\r|[ \t]$|[ \t]\n|(?:^|\n)-(?! -)|[\u2028\u2029]/;
const ESCAPE = /(^|\n)- /g;
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const VALUE = new Int8Array(128).fill(-1);
for (let i = 0; i < ALPHABET.length; i++) VALUE[ALPHABET.charCodeAt(i)] = i;

/** Strict base64: whole quanta, padding only at the end, unused bits zero; null otherwise. */
export function base64(s: string): Uint8Array | null {
  if (s.length % 4 !== 0) return null;
  const pad = s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((s.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < s.length; i += 4) {
    let n = 0;
    for (let k = 0; k < 4; k++) {
      const padding = i + k >= s.length - pad;
      const v = padding ? 0 : (VALUE[s.charCodeAt(i + k)] ?? -1);
      if (v < 0 || (padding && s[i + k] !== '=')) return null;
      n = (n << 6) | v;
    }
    if (o + 3 > out.length) {
      // The last quantum: what padding leaves unused must be zero, as an encoder writes it.
      if ((pad === 2 && (n & 0xffff) !== 0) || (pad === 1 && (n & 0xff) !== 0)) return null;
      out[o] = n >>> 16;
      if (pad < 2) out[o + 1] = (n >>> 8) & 0xff;
      break;
    }
    out[o++] = n >>> 16;
    out[o++] = (n >>> 8) & 0xff;
    out[o++] = n & 0xff;
  }
  return out;
}

/** CRC-24 (RFC 4880 6.1), one table lookup per byte. */
const CRC_TABLE = Int32Array.from({ length: 256 }, (_, n) => {
  let crc = n << 16;
  for (let i = 0; i < 8; i++) crc = (crc << 1) ^ (crc & 0x800000 ? 0x864cfb : 0);
  return crc & 0xffffff;
});

/** The armor's checksum line for these packets: "=" and the CRC-24 in four base64 characters. */
function checksumLine(bytes: Uint8Array): string {
  let crc = 0xb704ce;
  for (const b of bytes) crc = ((crc << 8) & 0xffffff) ^ CRC_TABLE[((crc >>> 16) ^ b) & 0xff]!;
  return `=${ALPHABET[(crc >>> 18) & 63]}${ALPHABET[(crc >>> 12) & 63]}${ALPHABET[(crc >>> 6) & 63]}${ALPHABET[crc & 63]}`;
}

/**
 * The text and packets by hand, or null for openpgp.js. openpgp.js strips trailing
 * whitespace, ends the text at any line that looks like armor and undoes "- " escapes:
 * only text where none of that can differ is read here. And only a file that is exactly
 * the framing of what it holds: anything else goes to openpgp.js, which then says what
 * differs (armor.ts).
 */
export function decodeByHand(frame: Frame): { text: string; signatures: FastSignature[] } | null {
  const { lines, headerEnd, sigStart, end } = frame;
  const block = lines.slice(headerEnd + 1, sigStart).join('\n');
  if (UNSAFE_TEXT.test(block)) return null;
  const text = block.includes('- ') ? block.replace(ESCAPE, '$1') : block;
  // frameOf checked the armor's shape (60-column lines, then the checksum line before END).
  const armor = lines.slice(sigStart + 2, end - 1);
  const bytes = base64(armor.join(''));
  const signatures = bytes && readSignaturePackets(bytes);
  const hashes = signatures?.map((s) => HASH_NAMES[s.hashAlgorithm]);
  if (!bytes || !signatures || !hashes || hashes.some((h) => h === undefined)) return null;
  // What frameCleartext (armor.ts) writes for this text and these packets, built from the parts
  // already read: strict base64 re-encodes to itself, and UNSAFE_TEXT left only canonical escapes.
  const framing = `${BEGIN_SIGNED}\nHash: ${[...new Set(hashes)].join(',')}\n\n${block}\n${BEGIN_SIG}\n\n${armor.join('\n')}\n${checksumLine(bytes)}\n${END_SIG}\n`;
  return framing === frame.published ? { text, signatures } : null;
}

/** Frame checks, then the armor by hand or by openpgp.js. */
export async function readSignedFile(file: string, subject: Reason['subject']): Promise<ReadResult> {
  const framed = frameOf(file, subject);
  if (!framed.ok) return framed;
  const fast = decodeByHand(framed.frame);
  return fast ? { ok: true, value: fast } : decodeFrame(framed.frame, subject);
}
