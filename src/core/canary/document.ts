/**
 * Parses the signed text of a canary document and checks that its human part is
 * exactly the rendering of its machine-readable part.
 */
import { canonicalJson, findCanonicalProblems } from '../canonical.ts';
import type { Reason } from '../verify/reasons.ts';
import { FORMAT, canaryData, type CanaryData } from './model.ts';
import { DATA_MARKER, renderAttestation, renderHeartbeat } from './render.ts';

export type ParsedDocument = { ok: true; data: CanaryData } | { ok: false; reasons: Reason[] };

export function renderDocument(data: CanaryData): string {
  return data.kind === 'attestation' ? renderAttestation(data) : renderHeartbeat(data);
}

function extractJson(text: string): string | undefined {
  const lines = text.split('\n');
  const at = lines.indexOf(DATA_MARKER);
  if (at < 0) return undefined;
  return lines.slice(at + 2).join('\n').trimEnd();
}

export function parseCanaryText(text: string, subject: Reason['subject'] = 'attestation'): ParsedDocument {
  const fail = (code: Reason['code'], message: string): ParsedDocument => ({ ok: false, reasons: [{ code, subject, message }] });
  const problems = findCanonicalProblems(text);
  if (problems.length > 0) {
    const p = problems[0]!;
    return fail('TEXT_NOT_CANONICAL', `the signed text ${p.line ? `(line ${p.line}) ` : ''}${p.problem}`);
  }
  const json = extractJson(text);
  if (json === undefined) return fail('FORMAT_INVALID', `no "${DATA_MARKER}" section in the signed text`);
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch (error) {
    return fail('FORMAT_INVALID', `the machine-readable data is not JSON: ${(error as Error).message}`);
  }
  const format = (raw as { format?: unknown } | null)?.format;
  if (format !== FORMAT) return fail('FORMAT_UNSUPPORTED', `format ${JSON.stringify(format)} is not ${FORMAT}`);
  const result = canaryData.safeParse(raw);
  if (!result.success) {
    const issue = result.error.issues[0]!;
    return fail('FORMAT_INVALID', `data field ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  if (canonicalJson(raw) !== json) return fail('FORMAT_INVALID', 'the machine-readable data is not in canonical JSON form');
  if (renderDocument(result.data) !== text) {
    return fail('HUMAN_TEXT_MISMATCH', 'the human-readable text differs from the rendering of the signed data');
  }
  return { ok: true, data: result.data };
}
