/**
 * Structural and multi-byte mutations of a cleartext-signed file, for the property
 * tests: lines inserted anywhere (inside and around the armor: before BEGIN, between the
 * text and the signature, among the armor headers, between base64 lines, after the
 * checksum, before and after END), lines removed or duplicated, line breaks turned into
 * CRLF, CR, Unicode line separators or nothing, multi-byte characters inserted, base64
 * re-wrapped. One to three of them at once.
 */
import fc from 'fast-check';

/** Lines an attacker would insert: text, armor look-alikes, headers, base64, invisible characters. */
const LINES = [
  '',
  ' ',
  '\t',
  '=',
  '==',
  '=AAAA',
  '=zz',
  'We have received a warrant.',
  'UPDATE: all statements above remain true.',
  '-----BEGIN ANYTHING-----',
  '-----END ANYTHING-----',
  '-----FOO-----',
  '-----BAR-----',
  '-----BEGIN PGP SIGNATURE-----',
  '-----END PGP SIGNATURE-----',
  '-----BEGIN PGP SIGNED MESSAGE-----',
  '- -----BEGIN PGP SIGNATURE-----',
  '- escaped line',
  'Hash: SHA256',
  'Hash: SHA512',
  'Comment: verified by the team',
  'Version: GnuPG v2',
  'Charset: UTF-8',
  'wsBzBAEBCAAnBQJhAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA',
  'AAAA',
  'SGVsbG8=',
  'SGVs bG8=',
  '\u2028',
  '\u2029',
  '\u0085',
  '\uFEFF',
  '\u0000',
  '\u200B',
  '\u202E',
  'text\u2028-----FOO-----',
  '\u2028-----BEGIN PGP SIGNATURE-----',
];

/** Characters of several UTF-8 lengths, separators and controls, for insertion inside a line. */
const CHARS = ['é', '—', '日', '🙂', '\u00a0', '\u2028', '\u2029', '\u0085', '\uFEFF', '\u0000', '\r', '\t', ' ', '-', '=', '+', '/', 'A', '\u0301'];

type Mutation = (file: string) => string;

const splice = (lines: string[], at: number, remove: number, ...add: string[]) => [...lines.slice(0, at), ...add, ...lines.slice(at + remove)];

function onLines(change: (lines: string[], pick: number) => string[]): fc.Arbitrary<Mutation> {
  return fc.nat().map((n) => (file: string) => {
    const lines = file.split('\n');
    return change(lines, n % (lines.length + 1)).join('\n');
  });
}

const insertLine = fc.tuple(fc.oneof(fc.constantFrom(...LINES), fc.string({ maxLength: 40 })), fc.nat()).map(([line, n]) => (file: string) => {
  const lines = file.split('\n');
  return splice(lines, n % (lines.length + 1), 0, line).join('\n');
});

const removeLine = onLines((lines, at) => splice(lines, Math.min(at, lines.length - 1), 1));
const duplicateLine = onLines((lines, at) => {
  const i = Math.min(at, lines.length - 1);
  return splice(lines, i, 0, lines[i]!);
});
const copyLineElsewhere = fc.tuple(fc.nat(), fc.nat()).map(([from, to]) => (file: string) => {
  const lines = file.split('\n');
  return splice(lines, to % (lines.length + 1), 0, lines[from % lines.length]!).join('\n');
});

/** One line break replaced: CRLF, CR, a Unicode separator, NEL, or nothing (two lines joined). */
const lineBreak = fc.tuple(fc.nat(), fc.constantFrom('\r\n', '\r', '\u2028', '\u2029', '\u0085', '', ' \n', '\n\n')).map(([n, by]) => (file: string) => {
  const breaks = [...file.matchAll(/\n/g)].map((m) => m.index);
  const at = breaks[n % breaks.length]!;
  return file.slice(0, at) + by + file.slice(at + 1);
});

/** Characters inserted at any position (inside a multi-byte character too: the strings are UTF-16). */
const insertChars = fc.tuple(fc.nat(), fc.array(fc.constantFrom(...CHARS), { minLength: 1, maxLength: 3 })).map(([n, chars]) => (file: string) => {
  const at = n % (file.length + 1);
  return file.slice(0, at) + chars.join('') + file.slice(at);
});

/** Blanks added at the start or end of a line (BEGIN, END, headers, base64 lines alike). */
const padLine = fc.tuple(fc.nat(), fc.constantFrom(' ', '\t', '  ', '\u00a0'), fc.boolean()).map(([n, pad, end]) => (file: string) => {
  const lines = file.split('\n');
  const i = n % lines.length;
  lines[i] = end ? `${lines[i]}${pad}` : `${pad}${lines[i]}`;
  return lines.join('\n');
});

/** The base64 lines (between the armor's blank line and the checksum) re-wrapped at another width. */
const rewrap = fc.integer({ min: 1, max: 120 }).map((width) => (file: string) => {
  const lines = file.split('\n');
  const sig = lines.indexOf('-----BEGIN PGP SIGNATURE-----');
  const crc = lines.findIndex((l, i) => i > sig && l.startsWith('='));
  if (sig < 0 || crc < 0) return file;
  const joined = lines.slice(sig + 2, crc).join('');
  return [...lines.slice(0, sig + 2), ...(joined.match(new RegExp(`.{1,${width}}`, 'g')) ?? []), ...lines.slice(crc)].join('\n');
});

const one: fc.Arbitrary<Mutation> = fc.oneof(insertLine, removeLine, duplicateLine, copyLineElsewhere, lineBreak, insertChars, padLine, rewrap);

/** One to three mutations applied in turn. */
export const structuralMutation: fc.Arbitrary<Mutation> = fc
  .array(one, { minLength: 1, maxLength: 3 })
  .map((ms) => (file: string) => ms.reduce((f, m) => m(f), file));

/** A mutated copy of `file` (it may, rarely, equal the file). */
export const mutatedFile = (file: string): fc.Arbitrary<string> => structuralMutation.map((m) => m(file));
