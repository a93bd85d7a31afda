/**
 * The one form a signed file may have (decision 0001): Candor's own framing of its text
 * and signature packets, byte for byte. Writing it (frameCleartext), comparing a published
 * file with it (framingDifference), the armor's shape checked before any decoder reads it
 * (armorShapeProblem), and the words that tell an operator where a file differs.
 */
import * as openpgp from 'openpgp';

export const BEGIN_SIGNED = '-----BEGIN PGP SIGNED MESSAGE-----';
export const BEGIN_SIG = '-----BEGIN PGP SIGNATURE-----';
export const END_SIG = '-----END PGP SIGNATURE-----';
/** No Version: or Comment: line, whatever openpgp.config says elsewhere. */
const ARMOR_CONFIG = { ...openpgp.config, showVersion: false, showComment: false };

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
  const body = text
    .split('\n')
    .map((line) => (line.startsWith('-') ? `- ${line}` : line))
    .join('\n');
  const sig = openpgp.armor(openpgp.enums.armor.signature, packets, undefined, undefined, undefined, checksum, ARMOR_CONFIG).replace(/\r\n/g, '\n');
  // The text ends with LF; the frame's own line break before BEGIN PGP SIGNATURE is not signed.
  return `${BEGIN_SIGNED}\nHash: ${[...new Set(hashes)].join(',')}\n\n${body}\n${sig}`;
}

/** Invisible and format characters (a BOM, U+2028, a NUL, a CR) spelled out: the operator must see them. */
const INVISIBLE = /[\p{C}\p{Zl}\p{Zp}]|(?! )\p{Zs}/gu;
export const shown = (line: string | undefined): string => {
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
export const notCandorFraming = (where: string): string =>
  `the file is not exactly what candor writes for its signed text and signatures: ${where}. ` +
  'Nothing outside the signed text is signed, so do not trust it; a publisher must publish the file exactly as candor wrote it (docs/decisions/0001-canonical-text.md)';

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
export function armorShapeProblem(lines: string[], sigStart: number, end: number): string | null {
  const crc = lines.findIndex((l, i) => i > sigStart + 1 && i < end && CHECKSUM.test(l));
  if (crc < 0) return notCandorFraming(`the signature block has no checksum line (= and four base64 characters) before line ${end + 1}`);
  if (crc !== end - 1) return notCandorFraming(`line ${crc + 2} is ${shown(lines[crc + 1])}, expected ${JSON.stringify(END_SIG)}`);
  const base64 = lines.slice(sigStart + 2, crc);
  const last = base64.length - 1;
  if (last < 0) return notCandorFraming(`the signature block holds no base64 lines before line ${crc + 1}`);
  const bad = base64.findIndex((l, i) => (i < last ? !FULL_LINE.test(l) : !LAST_LINE.test(l) || l.length % 4 !== 0 || /=[^=]/.test(l)));
  if (bad >= 0)
    return notCandorFraming(`line ${sigStart + 3 + bad} is ${shown(base64[bad])}, expected ${bad < last ? '60 base64 characters' : 'the last base64 line'}`);
  return null;
}

/** Every line break is CRLF and no other CR is present. */
const isUniformCRLF = (file: string): boolean => file.includes('\r\n') && !/\r(?!\n)|(?<!\r)\n/.test(file);

/** The one transport accident forgiven (decision 0001): a file whose every line ends in CRLF is read as LF. */
export const asPublished = (file: string): string => (isUniformCRLF(file) ? file.replaceAll('\r\n', '\n') : file);
