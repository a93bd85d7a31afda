/**
 * Parses the signed text of a canary document and checks that its human part is
 * exactly the rendering of its machine-readable part. The schema check is a parameter:
 * zod (document.ts) or the hand-written reader (validate.ts), which loads nothing.
 */
import { canonicalJson, describeDeceptive, findCanonicalProblems, findDeceptiveCharacters } from '../canonical.ts';
import { LIMITS, jsonDepth } from '../verify/limits.ts';
import type { Reason } from '../verify/reasons.ts';
import { FORMAT } from './format.ts';
import type { CanaryData } from './model.ts';
import { DATA_MARKER, renderAttestation, renderHeartbeat } from './render.ts';
import { parseCanaryDataFast } from './validate.ts';

export type ParsedDocument = { ok: true; data: CanaryData } | { ok: false; reasons: Reason[] };

/**
 * The data as the schema outputs it, what is wrong with it, or null for "ask zod".
 * `sameJson`: the output has exactly the JSON of the input (no value transformed).
 */
export type SchemaCheck = (raw: unknown) => { data: CanaryData; sameJson?: boolean } | { problem: string } | null;

export function renderDocument(data: CanaryData): string {
  return data.kind === 'attestation' ? renderAttestation(data) : renderHeartbeat(data);
}

// eslint-disable-next-line no-control-regex
const UNCANONICAL = /\r|\t| (?:\n|$)|(?:^|\n)-|[\u0000-\u0008\u000B-\u001F\u007F]|\uFFFD/;

/**
 * Every rule of findCanonicalProblems (canonical.ts) at once, over the whole text: true
 * exactly when it would find none. The common case costs one regex; a problem is then
 * described by findCanonicalProblems itself.
 */
export function looksCanonical(text: string): boolean {
  return text.endsWith('\n') && !text.endsWith('\n\n') && !UNCANONICAL.test(text) && text.isWellFormed() && text.normalize('NFC') === text;
}

function extractJson(text: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.indexOf(DATA_MARKER);
  if (at < 0) return undefined;
  return lines
    .slice(at + 2)
    .join('\n')
    .trimEnd();
}

/** null only when `check` returned null. */
export function readCanaryText(text: string, subject: Reason['subject'], check: SchemaCheck): ParsedDocument | null {
  const fail = (code: Reason['code'], message: string): ParsedDocument => ({ ok: false, reasons: [{ code, subject, message }] });
  const problems = looksCanonical(text) ? [] : findCanonicalProblems(text);
  if (problems.length > 0) {
    const p = problems[0]!;
    return fail('TEXT_NOT_CANONICAL', `the signed text ${p.line ? `(line ${p.line}) ` : ''}${p.problem}`);
  }
  const deceptive = findDeceptiveCharacters(text);
  if (deceptive.length > 0) return fail('TEXT_DECEPTIVE', `the signed text shows something other than what is signed: ${describeDeceptive(deceptive)}`);
  const json = extractJson(text);
  if (json === undefined) return fail('FORMAT_INVALID', `no "${DATA_MARKER}" section in the signed text`);
  // Before parsing: what follows (comparing, rendering) recurses, and must not overflow the stack.
  const depth = jsonDepth(json);
  if (depth > LIMITS.jsonDepth)
    return fail('FORMAT_INVALID', `the machine-readable data nests ${depth} levels deep; the format needs 5, at most ${LIMITS.jsonDepth} are read`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return fail('FORMAT_INVALID', `the machine-readable data is not JSON: ${(error as Error).message}`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== FORMAT) return fail('FORMAT_UNSUPPORTED', `format ${JSON.stringify(format)} is not ${FORMAT}`);
  const result = check(raw);
  if (!result) return null;
  if ('problem' in result) return fail('FORMAT_INVALID', result.problem);
  // The rendering ends with canonicalJson(data): when data has raw's JSON and the rendering
  // matches, the JSON is canonical too, and serialising it again can be skipped.
  const rendered = renderDocument(result.data) === text;
  if (!(rendered && result.sameJson) && canonicalJson(raw) !== json) return fail('FORMAT_INVALID', 'the machine-readable data is not in canonical JSON form');
  if (!rendered) return fail('HUMAN_TEXT_MISMATCH', 'the human-readable text differs from the rendering of the signed data');
  return { ok: true, data: result.data };
}

/** parseCanaryText (document.ts) without loading zod, unless the data is invalid: then zod says why. */
export async function parseCanaryTextFast(text: string, subject: Reason['subject'] = 'attestation'): Promise<ParsedDocument> {
  const fast = readCanaryText(text, subject, (raw) => {
    const data = parseCanaryDataFast(raw) as CanaryData | null;
    return data ? { data, sameJson: true } : null;
  });
  return fast ?? (await import('./document.ts')).parseCanaryText(text, subject);
}
