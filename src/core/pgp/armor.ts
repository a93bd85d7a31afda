/**
 * The OpenPGP cleartext frame, built and split by hand so that the published file is
 * exactly: header, the canonical text (LF), the signature block. openpgp.js would
 * write CRLF and we must also reject what it tolerates: text outside the frame,
 * a second signed block, unsigned armor headers a reader might mistake for content.
 */
import * as openpgp from 'openpgp';
import type { Reason } from '../verify/reasons.ts';
import { signaturePacketsOf } from './openpgp-internals.ts';

const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
const BEGIN_SIG = '-----BEGIN PGP SIGNATURE-----';
const END_SIG = '-----END PGP SIGNATURE-----';

export interface SplitFile {
  /** The signed text, dash-escaping undone, LF line endings. */
  text: string;
  signatures: openpgp.SignaturePacket[];
}

export type SplitResult = { ok: true; value: SplitFile } | { ok: false; reasons: Reason[] };

function hashName(algo: number): string {
  return openpgp.enums.read(openpgp.enums.hash, algo).toUpperCase();
}

/** Writes a cleartext-signed file from canonical text and signature packets. */
export function armorCleartext(text: string, signatures: openpgp.SignaturePacket[]): string {
  const hashes = [...new Set(signatures.map((s) => hashName(s.hashAlgorithm!)))].join(',');
  const body = text.split('\n').map((line) => (line.startsWith('-') ? `- ${line}` : line)).join('\n');
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  signatures.forEach((s) => list.push(s));
  // Signature.armor() writes the CRC-24 line for v4 signatures: without it GnuPG 2.2
  // misreads the END line whenever the base64 has no '=' padding, and exits 2.
  const sig = new openpgp.Signature(list).armor().replace(/\r\n/g, '\n');
  // The text ends with LF; the frame's own line break before BEGIN PGP SIGNATURE is not signed.
  return `${BEGIN_SIGNED}\nHash: ${hashes}\n\n${body}\n${sig}`;
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
}

type FrameResult = { ok: true; frame: Frame } | { ok: false; reasons: Reason[] };

/** The checks on the published bytes that come before any OpenPGP parsing (shared by both readers). */
export function frameOf(file: string, subject: Reason['subject']): FrameResult {
  const lines = file.replace(/\r\n/g, '\n').split('\n');
  const begins = lines.filter((l) => l.trimEnd() === BEGIN_SIGNED).length;
  if (begins === 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'not an OpenPGP cleartext-signed file' }] };
  if (begins > 1) return { ok: false, reasons: [{ code: 'MULTIPLE_SIGNED_BLOCKS', subject, message: `${begins} signed blocks in one file` }] };
  const start = lines.findIndex((l) => l.trimEnd() === BEGIN_SIGNED);
  const end = lines.findIndex((l) => l.trimEnd() === END_SIG);
  if (lines.slice(0, start).some((l) => l.trim() !== '')) return outside(subject, 'text before the signed message');
  if (end < 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'no signature block' }] };
  if (lines.slice(end + 1).some((l) => l.trim() !== '')) return outside(subject, 'text after the signature');
  const headerEnd = lines.indexOf('', start);
  const headers = lines.slice(start + 1, headerEnd);
  if (headers.some((h) => !/^Hash: [A-Z0-9,]+$/.test(h))) return outside(subject, 'an armor header other than Hash: in the signed message');
  const sigStart = lines.indexOf(BEGIN_SIG, headerEnd);
  // Armor headers (Comment:, Version:, or any other line before the blank line) are not signed.
  if (lines.slice(sigStart + 1, lines.indexOf('', sigStart)).length > 0) return outside(subject, 'a line in the signature block\'s header (such as Comment:): it is not signed');
  const raw = rawSignedProblem(file, start, sigStart, lines);
  if (raw) return { ok: false, reasons: [{ code: 'TEXT_NOT_CANONICAL', subject, message: raw }] };
  return { ok: true, frame: { lines, start, headerEnd, sigStart, end } };
}

/** The signed text and signature packets of a framed file, read by openpgp.js. */
export async function decodeFrame(frame: Frame, subject: Reason['subject']): Promise<SplitResult> {
  try {
    const message = await openpgp.readCleartextMessage({ cleartextMessage: frame.lines.slice(frame.start, frame.end + 1).join('\n') });
    const signatures = signaturePacketsOf(message);
    if (signatures.length === 0) return { ok: false, reasons: [{ code: 'SIGNATURE_MISSING', subject, message: 'the signature block holds no signature' }] };
    return { ok: true, value: { text: message.getText(), signatures } };
  } catch (error) {
    return { ok: false, reasons: [{ code: 'SIGNATURE_BAD', subject, message: `unreadable signature: ${(error as Error).message}` }] };
  }
}

/** Splits a published cleartext file, refusing anything a reader could mistake for signed text. */
export async function splitSignedFile(file: string, subject: Reason['subject']): Promise<SplitResult> {
  const framed = frameOf(file, subject);
  return framed.ok ? decodeFrame(framed.frame, subject) : framed;
}
