/**
 * Attacks on the framing of a genuine cleartext-signed file (issue 11, class 1): lines
 * added inside and around the armor, lines that only look like armor, Unicode line
 * separators, re-armored packets. None re-signs anything: each keeps the genuine
 * signatures, so a verifier that reads past the difference says ALIVE. Shared by the
 * security tests, the CLI tests and the browser test, so that all three see the same
 * files.
 *
 *   for (const a of FRAMING_ATTACKS) check(await a.attack(genuine)) // never ALIVE
 */
import * as openpgp from 'openpgp';
import { frameCleartext, hashName } from '../../src/core/pgp/framing.ts';
import type { ReasonCode } from '../../src/core/verify/reasons.ts';
import { MARKER_PACKET, toOldFormat } from './packets.ts';

export const NOTICE = 'UPDATE: we have received a warrant; the statements above no longer hold.';

const BEGIN_SIG = '-----BEGIN PGP SIGNATURE-----';
const END_SIG = '-----END PGP SIGNATURE-----';

/** Line indexes of a genuine candor file (LF, one trailing LF after END). */
export function partsOf(file: string) {
  const lines = file.split('\n');
  const sig = lines.indexOf(BEGIN_SIG);
  const end = lines.indexOf(END_SIG);
  if (sig < 0 || end < 0 || !/^=[A-Za-z0-9+/]{4}$/.test(lines[end - 1]!)) throw new Error('attacks: not a candor-framed file');
  return { lines, hash: 1, sig, crc: end - 1, end, base64: lines.slice(sig + 2, end - 1) };
}

function edit(file: string, change: (p: ReturnType<typeof partsOf>) => string[]): string {
  return change(partsOf(file)).join('\n');
}

const insert = (lines: string[], at: number, ...add: string[]) => [...lines.slice(0, at), ...add, ...lines.slice(at)];
const replace = (lines: string[], at: number, ...by: string[]) => [...lines.slice(0, at), ...by, ...lines.slice(at + 1)];

/** The signed text and the binary signature packets of a genuine file. */
async function contentOf(file: string): Promise<{ text: string; bytes: Uint8Array; hashes: string[] }> {
  const message = await openpgp.readCleartextMessage({ cleartextMessage: file });
  const { signature } = message as unknown as { signature: openpgp.Signature };
  const packets = [...signature.packets] as openpgp.SignaturePacket[];
  return { text: message.getText(), bytes: signature.write() as Uint8Array, hashes: packets.map((p) => hashName(p.hashAlgorithm!)) };
}

export interface FramingAttack {
  name: string;
  attack: (file: string) => string | Promise<string>;
  /** The reason code the verifier must give (with verdict invalid). */
  code: ReasonCode;
}

export const FRAMING_ATTACKS: FramingAttack[] = [
  // The shapes the issue names.
  { name: 'a line of text after the checksum line, before END', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => edit(f, (p) => insert(p.lines, p.end, NOTICE)) },
  { name: 'a lone "=" line, then text, after the checksum', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => edit(f, (p) => insert(p.lines, p.end, '=', NOTICE)) },
  {
    name: 'a -----BEGIN ANYTHING----- line after the checksum, then text',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => insert(p.lines, p.end, '-----BEGIN ANYTHING-----', NOTICE)),
  },
  {
    name: 'a fake armor pair (-----FOO----- … -----BAR-----) holding a statement and a copy of the signature, between the text and the signature',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => insert(p.lines, p.sig, '-----FOO-----', `Statement: ${NOTICE}`, '', ...p.base64, p.lines[p.crc]!, '-----BAR-----')),
  },
  {
    name: 'the same fake pair behind a U+2028 line separator',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => insert(p.lines, p.sig, '\u2028-----FOO-----', `Statement: ${NOTICE}`, '', ...p.base64, p.lines[p.crc]!, '-----BAR-----')),
  },
  {
    name: 'no Hash: header (gpg and sq refuse it)',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => [...p.lines.slice(0, p.hash), ...p.lines.slice(p.hash + 1)]),
  },
  // Armor headers and marker lines.
  { name: 'a second Hash: header', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => edit(f, (p) => insert(p.lines, p.hash + 1, 'Hash: SHA256')) },
  {
    name: 'a Hash: header naming a hash no signature uses',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => f.replace('\nHash: SHA512\n', '\nHash: SHA256,SHA512\n'),
  },
  { name: 'a Hash: header with two spaces', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => f.replace('\nHash: SHA512\n', '\nHash:  SHA512\n') },
  {
    name: 'a Version: armor header in the signature block',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => insert(p.lines, p.sig + 1, 'Version: GnuPG v2')),
  },
  {
    name: '-----BEGIN PGP SIGNATURE----- with trailing spaces',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => f.replace(`\n${BEGIN_SIG}\n`, `\n${BEGIN_SIG}   \n`),
  },
  { name: '-----BEGIN PGP SIGNED MESSAGE----- after a space', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => ` ${f}` },
  { name: '-----END PGP SIGNATURE----- with a trailing tab', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => f.replace(`\n${END_SIG}\n`, `\n${END_SIG}\t\n`) },
  {
    name: 'a second signature block after END',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => [...p.lines.slice(0, -1), BEGIN_SIG, '', ...p.base64, p.lines[p.crc]!, END_SIG, '']),
  },
  // Around the armor.
  { name: 'a byte-order mark before BEGIN', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => `\uFEFF${f}` },
  { name: 'blank lines before BEGIN', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => `\n\n${f}` },
  { name: 'blank lines after END', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => `${f}\n\n` },
  { name: 'no line break after END', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => f.slice(0, -1) },
  { name: 'a NUL byte after END', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => `${f}\u0000` },
  { name: 'a very long line of text after END', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => `${f}${`${NOTICE} `.repeat(2000)}\n` },
  // Inside the base64.
  {
    name: 'a NUL byte at the end of a base64 line',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => replace(p.lines, p.sig + 2, `${p.base64[0]}\u0000`)),
  },
  {
    name: 'a space inside a base64 line',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => replace(p.lines, p.sig + 2, `${p.base64[0]!.slice(0, 20)} ${p.base64[0]!.slice(20)}`)),
  },
  { name: 'a blank line between base64 lines', code: 'TEXT_OUTSIDE_SIGNED', attack: (f) => edit(f, (p) => insert(p.lines, p.sig + 3, '')) },
  {
    name: 'a line of text between base64 lines',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => insert(p.lines, p.sig + 3, 'We have received a warrant.')),
  },
  {
    name: 'the base64 re-wrapped at 64 columns (as gpg writes it)',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => [...p.lines.slice(0, p.sig + 2), ...p.base64.join('').match(/.{1,64}/g)!, ...p.lines.slice(p.crc)]),
  },
  {
    name: 'the base64 on one long line',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => [...p.lines.slice(0, p.sig + 2), p.base64.join(''), ...p.lines.slice(p.crc)]),
  },
  {
    name: 'a wrong checksum (gpg refuses it)',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => replace(p.lines, p.crc, p.lines[p.crc] === '=AAAA' ? '=AAAB' : '=AAAA')),
  },
  {
    name: 'no checksum line (gpg 2.2 misreads the END line)',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => [...p.lines.slice(0, p.crc), ...p.lines.slice(p.end)]),
  },
  {
    name: 'the armor lines ending in CRLF, the rest in LF',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => edit(f, (p) => p.lines.map((l, i) => (i > p.sig && i < p.end ? `${l}\r` : l))),
  },
  // Line separators that JavaScript's multi-line regular expressions honour.
  {
    name: 'U+2029 instead of the line break before BEGIN PGP SIGNATURE',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: (f) => f.replace(`\n\n${BEGIN_SIG}\n`, `\n\u2029${BEGIN_SIG}\n`),
  },
  {
    name: 'a statement after a U+2028 at the end of the last signed line',
    code: 'SIGNATURE_BAD',
    attack: (f) => edit(f, (p) => replace(p.lines, p.sig - 2, `${p.lines[p.sig - 2]}\u2028${NOTICE}`)),
  },
  // The packets re-armored.
  {
    name: 'a marker packet next to the signatures (readers skip it)',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: async (f) => {
      const { text, bytes, hashes } = await contentOf(f);
      return frameCleartext(text, hashes, Uint8Array.from([...MARKER_PACKET, ...bytes]));
    },
  },
  {
    name: 'the signature packets in the old packet format (as GnuPG writes them)',
    code: 'TEXT_OUTSIDE_SIGNED',
    attack: async (f) => {
      const { text, bytes, hashes } = await contentOf(f);
      return frameCleartext(text, hashes, toOldFormat(bytes));
    },
  },
];

/** Variants of a genuine file that Candor accepts, and that every tool must therefore verify. */
export const ACCEPTED_VARIANTS: { name: string; variant: (file: string) => string }[] = [
  { name: 'the file as candor writes it', variant: (f) => f },
  { name: 'every line ending in CRLF (a Windows checkout, decision 0001)', variant: (f) => f.replaceAll('\n', '\r\n') },
];
