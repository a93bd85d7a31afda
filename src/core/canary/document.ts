/**
 * Parses the signed text of a canary document with the zod schema (model.ts). The
 * verifier uses parseCanaryTextFast (read-text.ts), which gives the same answers.
 */
import type { Reason } from '../verify/reasons.ts';
import { canaryData } from './model.ts';
import { readCanaryText, type ParsedDocument } from './read-text.ts';

export { renderDocument } from './read-text.ts';
export type { ParsedDocument };

export function parseCanaryText(text: string, subject: Reason['subject'] = 'attestation'): ParsedDocument {
  return readCanaryText(text, subject, (raw) => {
    const result = canaryData.safeParse(raw);
    if (result.success) return { data: result.data };
    const issue = result.error.issues[0]!;
    return { problem: `data field ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  })!;
}
