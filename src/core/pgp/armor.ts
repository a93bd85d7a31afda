/**
 * The OpenPGP cleartext frame, built and split by hand so that the published file is
 * exactly: header, the canonical text (LF), the signature block. openpgp.js would
 * write CRLF and we must also reject what it tolerates: text outside the frame,
 * a second signed block, unsigned armor headers a reader might mistake for content.
 *
 * The rule that closes every such gap at once (decision 0001): after reading, the text
 * and the signature packets are framed again exactly as Candor writes them, and the
 * published file must be that, byte for byte. Whatever a reader tolerated (text after
 * the checksum, a stray armor line, an omitted Hash: header, base64 that skips junk)
 * is then a difference, whichever parser read the file.
 */
import * as openpgp from 'openpgp';
import type { Reason } from '../verify/reasons.ts';
import { signaturePacketsOf } from './openpgp-internals.ts';

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIG = '-----BEGIN PGP SIGNATURE-----';
const END_SIG = '-----END PGP SIGNATURE-----';
/** No Version: or Comment: line, whatever openpgp.config says elsewhere. */
const ARMOR_CONFIG = { ...openpgp.config, showVersion: false, showComment: false };

export interface SplitFile {
  /** The signed text, dash-escaping undone, LF line endings. */
  text: string;
  signatures: openpgp.SignaturePacket[];
}

export type SplitResult = { ok: true; value: SplitFile } | { ok: false; reasons: Reason[] };

export function hashName(algo: number): string {
  return openpgp.enums.read(openpgp.enums.hash, algo).toUpperCase();
}

/**
 * The one published form of `text` signed by `packets` (their binary encoding): a Hash:
 * header naming each hash once, in the order the signatures use them, the dash-escaped
 * text, and the signature block as openpgp.js armors it (60-column base64, then the
 * CRC-24 line for v4 signatures: without it GnuPG 2.2 misreads the END line whenever the
 * base64 has no '=' padding, and exits 2).
 */
export function frameCleartext(text: string, hashes: string[], packets: Uint8Array, checksum = true): string {
  const body = text.split('\n').map((line) => (line.startsWith('-') ? `- ${line}` : line)).join('\n');
  const sig = openpgp.armor(openpgp.enums.armor.signature, packets, undefined, undefined, undefined, checksum, ARMOR_CONFIG).replace(/\r\n/g, '\n');
  // The text ends with LF; the frame's own line break before BEGIN PGP SIGNATURE is not signed.
  return `${BEGIN_SIGNED}\nHash: ${[...new Set(hashes)].join(',')}\n\n${body}\n${sig}`;
}

/** Writes a cleartext-signed file from canonical text and signature packets. */
export function armorCleartext(text: string, signatures: openpgp.SignaturePacket[]): string {
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  signatures.forEach((s) => list.push(s));
  // As openpgp.Signature.armor() decides: only a block of v6 signatures goes without the CRC line.
  return frameCleartext(text, signatures.map((s) => hashName(s.hashAlgorithm!)), list.write(), signatures.some((s) => s.version !== 6));
}

/** Invisible and format characters (a BOM, U+2028, a NUL, a CR) spelled out: the operator must see them. */
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;
const shown = (line: string | undefined): string => {
  if (line === undefined) return 'the end of the file';
  const cut = [...line].length > 60 ? `${[...line].slice(0, 60).join('')}…` : line;
  return `"${cut.replace(INVISIBLE, (c) => `\\u{${c.codePointAt(0)!.toString(16).toUpperCase()}}`)}"`;
};

/** Where `published` first differs from `expected`, line by line; null when they are the same bytes. */
export function firstDifference(published: string, expected: string): string | null {
  if (published === expected) return null;
  const have = published.split('\n');
  const want = expected.split('\n');
  let i = 0;
  while (have[i] === want[i]) i++;
  // After the file's last line break there is no line: that is its end.
  const line = (xs: string[]) => (i === xs.length - 1 && xs[i] === '' ? undefined : xs[i]);
  return `line ${i + 1} is ${shown(line(have))}, expected ${shown(line(want))}`;
}

/** The verdict's words for a file that is not candor's framing, with where it differs. */
const notCandorFraming = (where: string): string => `the file is not exactly what candor writes for its signed text and signatures: ${where}. `
  + 'Nothing outside the signed text is signed, so do not trust it; a publisher must publish the file exactly as candor wrote it (docs/decisions/0001-canonical-text.md)';

/**
 * Why `published` is not the framing Candor writes, for an operator to act on; null
 * when they are the same bytes.
 */
export function framingDifference(published: string, expected: string): string | null {
  const where = firstDifference(published, expected);
  return where && notCandorFraming(where);
}

const FULL_LINE = /^[A-Za-z0-9+/]{60}$/;
const LAST_LINE = /^[A-Za-z0-9+/]{1,60}={0,2}$/;
const CHECKSUM = /^=[A-Za-z0-9+/]{4}$/;

/**
 * The shape of the signature block's armor, before anything decodes it: 60-column
 * base64 lines, a shorter last one, then the checksum line, exactly as candor writes
 * them. Checked first so that no decoder's leniency is ever asked about anything else:
 * openpgp.js decodes base64 through Buffer in Node (which skips junk) and atob in a
 * browser (which throws), and the CLI and the page must give the same reason.
 */
function armorShapeProblem(lines: string[], sigStart: number, end: number): string | null {
  const crc = lines.findIndex((l, i) => i > sigStart + 1 && i < end && CHECKSUM.test(l));
  if (crc < 0) return notCandorFraming(`the signature block has no checksum line (= and four base64 characters) before line ${end + 1}`);
  if (crc !== end - 1) return notCandorFraming(`line ${crc + 2} is ${shown(lines[crc + 1])}, expected ${JSON.stringify(END_SIG)}`);
  const base64 = lines.slice(sigStart + 2, crc);
  const last = base64.length - 1;
  if (last < 0) return notCandorFraming(`the signature block holds no base64 lines before line ${crc + 1}`);
  const bad = base64.findIndex((l, i) => (i < last ? !FULL_LINE.test(l) : !LAST_LINE.test(l) || l.length % 4 !== 0 || /=[^=]/.test(l)));
  if (bad >= 0) return notCandorFraming(`line ${sigStart + 3 + bad} is ${shown(base64[bad])}, expected ${bad < last ? '60 base64 characters' : 'the last base64 line'}`);
  return null;
}

/** Every line break is CRLF and no other CR is present. */
const isUniformCRLF = (file: string): boolean => file.includes('\r\n') && !/\r(?!\n)|(?<!\r)\n/.test(file);

/** The one transport accident forgiven (decision 0001): a file whose every line ends in CRLF is read as LF. */
export const asPublished = (file: string): string => (isUniformCRLF(file) ? file.replaceAll('\r\n', '\n') : file);

function outside(subject: Reason['subject'], message: string): { ok: false; reasons: Reason[] } {
  return { ok: false, reasons: [{ code: 'TEXT_OUTSIDE_SIGNED', subject, message }] };
}

/**
 * OpenPGP readers forgive trailing whitespace and stray CRs in the signed lines (RFC 4880
 * 7.1), so the published bytes are checked before openpgp.js normalises them away.
 */
function rawSignedProblem(file: string, start: number, sigStart: number, lines: string[]): string | undefined {
  // Without any CR, the raw lines are the lines already split.
  const raw = file.includes('\r') ? file.split('\n') : lines;
  const headerEnd = raw.findIndex((l, i) => i > start && l.replace(/\r$/, '') === '');
  const signed = raw.slice(headerEnd + 1, sigStart - 1);
  const crlf = raw.slice(0, start + 1).every((l) => l === '' || l.endsWith('\r'));
  for (const [i, line] of signed.entries()) {
    const body = crlf ? line.replace(/\r$/, '') : line;
    if (body.includes('\r')) return `signed line ${i + 1} contains a carriage return`;
    if (/[ \t]$/.test(body)) return `signed line ${i + 1} has trailing whitespace`;
  }
  return undefined;
}

/** Where the parts of a cleartext file are, as line indexes into `lines` (LF endings). */
export interface Frame {
  lines: string[];
  start: number;
  headerEnd: number;
  sigStart: number;
  end: number;
  /**
   * The file as published, with one transport accident forgiven (decision 0001): when
   * every line ends in CRLF, the LF file. It must equal the re-framed text and packets.
   */
  published: string;
}

type FrameResult = { ok: true; frame: Frame } | { ok: false; reasons: Reason[] };

/** A marker line that only looks right (a BOM, leading or trailing blanks) is not left to a reader's leniency. */
function markerProblem(lines: string[], at: number, marker: string, subject: Reason['subject']): FrameResult | null {
  return lines[at] === marker ? null : outside(subject, `line ${at + 1} is ${shown(lines[at])}, expected exactly ${JSON.stringify(marker)}`);
}

/** The checks on the published bytes that come before any OpenPGP parsing (shared by both readers). */
export function frameOf(file: string, subject: Reason['subject']): FrameResult {
  const published = asPublished(file);
  const lines = file.replace(/\r\n/g, '\n').split('\n');
  // A line a reader takes for the marker counts as one (JS trim() also removes a BOM); includes() first, as it is cheap.
  const is = (marker: string) => (l: string) => l.includes(marker) && l.trim() === marker;
  const begins = lines.filter(is(BEGIN_SIGNED)).length;
  if (begins === 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'not an OpenPGP cleartext-signed file' }] };
  if (begins > 1) return { ok: false, reasons: [{ code: 'MULTIPLE_SIGNED_BLOCKS', subject, message: `${begins} signed blocks in one file` }] };
  const start = lines.findIndex(is(BEGIN_SIGNED));
  const end = lines.findIndex((l, i) => i > start && is(END_SIG)(l));
  if (lines.slice(0, start).some((l) => l.trim() !== '')) return outside(subject, 'text before the signed message');
  if (end < 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'no signature block' }] };
  if (lines.slice(end + 1).some((l) => l.trim() !== '')) return outside(subject, 'text after the signature');
  const headerEnd = lines.indexOf('', start);
  const headers = lines.slice(start + 1, headerEnd);
  if (headers.some((h) => !/^Hash: [A-Z0-9,]+$/.test(h))) return outside(subject, 'an armor header other than Hash: in the signed message');
  const sigStart = lines.findIndex((l, i) => i > headerEnd && i < end && is(BEGIN_SIG)(l));
  if (headerEnd < 0 || sigStart < 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'no signature block' }] };
  const marker = markerProblem(lines, start, BEGIN_SIGNED, subject) ?? markerProblem(lines, sigStart, BEGIN_SIG, subject) ?? markerProblem(lines, end, END_SIG, subject);
  if (marker) return marker;
  // Armor headers (Comment:, Version:, or any other line before the blank line) are not signed.
  if (lines.slice(sigStart + 1, lines.indexOf('', sigStart)).length > 0) return outside(subject, 'a line in the signature block\'s header (such as Comment:): it is not signed');
  const shape = armorShapeProblem(lines, sigStart, end);
  if (shape) return outside(subject, shape);
  const raw = rawSignedProblem(file, start, sigStart, lines);
  if (raw) return { ok: false, reasons: [{ code: 'TEXT_NOT_CANONICAL', subject, message: raw }] };
  return { ok: true, frame: { lines, start, headerEnd, sigStart, end, published } };
}

/**
 * The signed text and signature packets of a framed file, read by openpgp.js, and only
 * if the file is exactly their framing: openpgp.js ends the text at any line shaped like
 * armor, drops what follows the last '=', and its base64 decoder skips what is not base64.
 */
export async function decodeFrame(frame: Frame, subject: Reason['subject']): Promise<SplitResult> {
  let value: SplitFile;
  let expected: string;
  try {
    const message = await openpgp.readCleartextMessage({ cleartextMessage: frame.lines.slice(frame.start, frame.end + 1).join('\n') });
    value = { text: message.getText(), signatures: signaturePacketsOf(message) };
    if (value.signatures.length === 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'the signature block holds no signature' }] };
    expected = armorCleartext(value.text, value.signatures);
  } catch (error) {
    return { ok: false, reasons: [{ code: 'SIGNATURE_BAD', subject, message: `unreadable signature: ${(error as Error).message}` }] };
  }
  const difference = framingDifference(frame.published, expected);
  return difference ? outside(subject, difference) : { ok: true, value };
}

/** Splits a published cleartext file, refusing anything a reader could mistake for signed text. */
export async function splitSignedFile(file: string, subject: Reason['subject']): Promise<SplitResult> {
  const framed = frameOf(file, subject);
  return framed.ok ? decodeFrame(framed.frame, subject) : framed;
}
