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
import { armorShapeProblem, asPublished, BEGIN_SIG, BEGIN_SIGNED, END_SIG, frameCleartext, framingDifference, hashName, shown } from './framing.ts';
import { signaturePacketsOf } from './openpgp-internals.ts';

export interface SplitFile {
  /** The signed text, dash-escaping undone, LF line endings. */
  text: string;
  signatures: openpgp.SignaturePacket[];
}

export type SplitResult = { ok: true; value: SplitFile } | { ok: false; reasons: Reason[] };

/** Writes a cleartext-signed file from canonical text and signature packets. */
export function armorCleartext(text: string, signatures: openpgp.SignaturePacket[]): string {
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  signatures.forEach((s) => list.push(s));
  // As openpgp.Signature.armor() decides: only a block of v6 signatures goes without the CRC line.
  return frameCleartext(
    text,
    signatures.map((s) => hashName(s.hashAlgorithm!)),
    list.write(),
    signatures.some((s) => s.version !== 6),
  );
}

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
  const marker =
    markerProblem(lines, start, BEGIN_SIGNED, subject) ?? markerProblem(lines, sigStart, BEGIN_SIG, subject) ?? markerProblem(lines, end, END_SIG, subject);
  if (marker) return marker;
  // Armor headers (Comment:, Version:, or any other line before the blank line) are not signed.
  if (lines.slice(sigStart + 1, lines.indexOf('', sigStart)).length > 0)
    return outside(subject, "a line in the signature block's header (such as Comment:): it is not signed");
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
    if (value.signatures.length === 0)
      return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'the signature block holds no signature' }] };
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
