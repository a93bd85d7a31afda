/**
 * Canonical text: the exact bytes that are signed and hashed. See
 * docs/decisions/0001-canonical-text.md. UTF-8, LF line endings, no trailing
 * spaces or tabs, no line starting with '-' (so OpenPGP dash-escaping never alters
 * what a reader sees), one final LF.
 */

export interface CanonicalProblem {
  line: number;
  problem: string;
}

/** Lists what keeps `text` from being canonical; empty when it is. */
export function findCanonicalProblems(text: string): CanonicalProblem[] {
  const problems: CanonicalProblem[] = [];
  if (!text.endsWith('\n')) problems.push({ line: 0, problem: 'does not end with a line feed' });
  if (text.endsWith('\n\n')) problems.push({ line: 0, problem: 'ends with an empty line' });
  if (!text.isWellFormed()) problems.push({ line: 0, problem: 'contains a lone UTF-16 surrogate (not encodable as UTF-8)' });
  if (text.includes('\uFFFD')) problems.push({ line: 0, problem: 'contains a replacement character (invalid UTF-8?)' });
  if (text.normalize('NFC') !== text) problems.push({ line: 0, problem: 'is not in Unicode NFC form' });
  text.split('\n').forEach((line, index) => {
    const n = index + 1;
    if (line.includes('\r')) problems.push({ line: n, problem: 'contains a carriage return' });
    if (/[ \t]$/.test(line)) problems.push({ line: n, problem: 'has trailing whitespace' });
    if (line.includes('\t')) problems.push({ line: n, problem: 'contains a tab' });
    if (line.startsWith('-')) problems.push({ line: n, problem: "starts with '-'" });
    // eslint-disable-next-line no-control-regex
    if (/[\u0000-\u0008\u000B-\u001F\u007F]/.test(line)) problems.push({ line: n, problem: 'contains a control character' });
  });
  return problems;
}

export function isCanonical(text: string): boolean {
  return findCanonicalProblems(text).length === 0;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

function sortKeys(value: unknown): Json {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return Object.fromEntries(entries.map(([k, v]) => [k, sortKeys(v)]));
  }
  return value as Json;
}

/**
 * Canonical JSON: keys sorted by code unit, two-space indentation, UTF-8 as is.
 * Indented rather than one line so that a person can read it inside the signed text.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2);
}

const encoder = new TextEncoder();

/** SHA-256 of the UTF-8 bytes, as lowercase hex (Web Crypto: the same in Node and browsers). */
export async function sha256Hex(text: string | Uint8Array): Promise<string> {
  const bytes = typeof text === 'string' ? encoder.encode(text) : text;
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** The form in which documents name each other's hashes. */
export async function documentHash(text: string | Uint8Array): Promise<string> {
  return `sha256:${await sha256Hex(text)}`;
}

/** A character that makes text read differently from what is signed: hidden, reordering or look-alike. */
export interface DeceptiveCharacter {
  /** 1-based line and column (in code points) of `text`. */
  line: number;
  column: number;
  /** What was found and why it deceives, e.g. "U+202E RIGHT-TO-LEFT OVERRIDE, a bidirectional control: …". */
  problem: string;
}

const NAMES: Record<number, string> = {
  0x00ad: 'SOFT HYPHEN',
  0x034f: 'COMBINING GRAPHEME JOINER',
  0x061c: 'ARABIC LETTER MARK',
  0x115f: 'HANGUL CHOSEONG FILLER',
  0x1160: 'HANGUL JUNGSEONG FILLER',
  0x180e: 'MONGOLIAN VOWEL SEPARATOR',
  0x200b: 'ZERO WIDTH SPACE',
  0x200c: 'ZERO WIDTH NON-JOINER',
  0x200d: 'ZERO WIDTH JOINER',
  0x200e: 'LEFT-TO-RIGHT MARK',
  0x200f: 'RIGHT-TO-LEFT MARK',
  0x2028: 'LINE SEPARATOR',
  0x2029: 'PARAGRAPH SEPARATOR',
  0x202a: 'LEFT-TO-RIGHT EMBEDDING',
  0x202b: 'RIGHT-TO-LEFT EMBEDDING',
  0x202c: 'POP DIRECTIONAL FORMATTING',
  0x202d: 'LEFT-TO-RIGHT OVERRIDE',
  0x202e: 'RIGHT-TO-LEFT OVERRIDE',
  0x2060: 'WORD JOINER',
  0x2066: 'LEFT-TO-RIGHT ISOLATE',
  0x2067: 'RIGHT-TO-LEFT ISOLATE',
  0x2068: 'FIRST STRONG ISOLATE',
  0x2069: 'POP DIRECTIONAL ISOLATE',
  0x2800: 'BRAILLE PATTERN BLANK',
  0x3164: 'HANGUL FILLER',
  0xfeff: 'ZERO WIDTH NO-BREAK SPACE',
  0xffa0: 'HALFWIDTH HANGUL FILLER',
};

const BIDI = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/u;
const SEPARATOR = /[\p{Zl}\p{Zp}]/u;
/** Hidden: default-ignorable and format characters, private use, noncharacters, C1 controls, blank-looking symbols. */
const HIDDEN = /[\p{Default_Ignorable_Code_Point}\p{Cf}\p{Co}\p{Noncharacter_Code_Point}\u0080-\u009F\u2800]/u;
/** Spaces of other widths than a space (no-break spaces, U+202F and U+3000 are ordinary typography). */
const ODD_SPACE = /[\u1680\u2000-\u200A\u205F]/u;
/** Mathematical bold, italic, script… letters: they look like letters but are symbols. */
const STYLED_LETTER = /[\u{1D400}-\u{1D7FF}]/u;
const EMOJI = /[\p{Extended_Pictographic}\u{1F3FB}-\u{1F3FF}]|\uFE0F/u;
const PICTOGRAPH = /[\p{Extended_Pictographic}\p{So}]/u;
/** Scripts whose letters pass for one another (UTS #39 confusables: Latin a, Cyrillic а, Greek α). */
const LOOKALIKE_SCRIPTS: [string, RegExp][] = [
  ['Latin', /\p{Script=Latin}/u],
  ['Cyrillic', /\p{Script=Cyrillic}/u],
  ['Greek', /\p{Script=Greek}/u],
];
const JOINING_SCRIPT_LETTER = /[\p{L}\p{M}]/u;
/** Plain ASCII holds none of the above: most text is skipped with one test. */
const NEEDS_FAST_LOOK = /[\u0080-\u{10FFFF}]/u;

function describeCharacter(cp: number): string {
  const hex = `U+${cp.toString(16).toUpperCase().padStart(4, '0')}`;
  return NAMES[cp] ? `${hex} ${NAMES[cp]}` : hex;
}

/** ZWJ/ZWNJ and variation selectors where writing needs them: emoji sequences, Arabic and Indic scripts. */
function isNeededJoiner(chars: string[], i: number): boolean {
  const c = chars[i]!;
  const before = chars[i - 1] ?? '';
  const after = chars[i + 1] ?? '';
  if (c === '\uFE0F' || c === '\uFE0E') return PICTOGRAPH.test(before);
  if (c !== '\u200D' && c !== '\u200C') return false;
  if (c === '\u200D' && EMOJI.test(before) && EMOJI.test(after)) return true;
  const joining = (ch: string) => JOINING_SCRIPT_LETTER.test(ch) && !LOOKALIKE_SCRIPTS.some(([, re]) => re.test(ch));
  return joining(before) && joining(after);
}

function characterProblem(chars: string[], i: number): string | undefined {
  const c = chars[i]!;
  if (BIDI.test(c)) return 'a bidirectional control: it changes the order in which the text is shown';
  if (SEPARATOR.test(c)) return 'a Unicode line or paragraph separator: shown as a line break that is not one';
  if (HIDDEN.test(c) && !isNeededJoiner(chars, i)) return 'an invisible or format character: the text holds something a reader cannot see';
  if (ODD_SPACE.test(c)) return 'a space of unusual width, which passes for an ordinary space';
  if (STYLED_LETTER.test(c)) return 'a styled mathematical letter, which passes for an ordinary letter';
  return undefined;
}

/** A word with letters of two look-alike scripts (a Cyrillic "о" in "not"). */
function mixedScript(word: string): string | undefined {
  const scripts = LOOKALIKE_SCRIPTS.filter(([, re]) => [...word].some((ch) => re.test(ch))).map(([name]) => name);
  return scripts.length > 1 ? `the word "${word}" mixes ${scripts.join(' and ')} letters, which look alike` : undefined;
}

/**
 * What in `text` shows a reader something other than what is signed (decisions 0001, 0009):
 * bidirectional controls, invisible and format characters, Unicode line separators,
 * odd-width spaces, styled letters, and words mixing Latin, Cyrillic and Greek letters.
 * Emoji sequences and the joiners Arabic and Indic scripts need are not flagged.
 */
export function findDeceptiveCharacters(text: string): DeceptiveCharacter[] {
  if (!NEEDS_FAST_LOOK.test(text)) return [];
  const found: DeceptiveCharacter[] = [];
  text.split('\n').forEach((line, index) => {
    if (!NEEDS_FAST_LOOK.test(line)) return;
    const chars = [...line];
    chars.forEach((_, i) => {
      const problem = characterProblem(chars, i);
      if (problem) found.push({ line: index + 1, column: i + 1, problem: `${describeCharacter(chars[i]!.codePointAt(0)!)}, ${problem}` });
    });
    for (const match of line.matchAll(/[\p{L}\p{M}]+/gu)) {
      const problem = NEEDS_FAST_LOOK.test(match[0]) ? mixedScript(match[0]) : undefined;
      if (problem) found.push({ line: index + 1, column: [...line.slice(0, match.index)].length + 1, problem });
    }
  });
  return found;
}

/** One line for a message: where the first deceptive character is and why it is refused. */
export function describeDeceptive(found: DeceptiveCharacter[]): string {
  const first = found[0]!;
  const more = found.length > 1 ? ` (and ${found.length - 1} more)` : '';
  return `line ${first.line}, column ${first.column}: ${first.problem}${more}`;
}
