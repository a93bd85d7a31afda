/**
 * The machine-readable part of the two signed canary documents. The human text is
 * rendered from exactly this data (render.ts); see docs/decisions/0002-canary-format.md.
 */
import { z } from 'zod';
import { FORMAT } from './format.ts';

export { FORMAT };

/** Seconds precision, always UTC, always with a Z: one spelling per instant. */
export const instant = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/, 'an instant like 2026-11-23T00:00:00Z')
  .refine((s) => !Number.isNaN(Date.parse(s)) && new Date(s).toISOString().replace('.000', '') === s, 'a real calendar instant');
export const fingerprint = z
  .string()
  .regex(/^[0-9A-F]{40}$/, '40 upper-case hex digits (a v4 fingerprint)')
  .describe('a key fingerprint: 40 upper-case hex digits without spaces, e.g. B71E4FB9E9F78B713ECBE1D60685E3104EE941A7 (candor keys list shows them)');
export const hashRef = z.string().regex(/^sha256:[0-9a-f]{64}$/, "'sha256:' and 64 lower-case hex digits");
export const statementId = z
  .string()
  .regex(/^[A-Z][A-Z0-9_]{1,31}$/, 'an ID of 2–32 upper-case letters, digits or _')
  .describe('a statement ID: 2–32 upper-case letters, digits or _, starting with a letter, e.g. WAR');
/** One line of plain text: no line breaks, no leading '-', no surrounding spaces. */
const plainLine = z
  .string()
  .min(1)
  .max(2000)
  .refine((s) => s.isWellFormed(), { message: 'text without lone UTF-16 surrogates', params: { summary: 'has a broken character' } })
  .refine((s) => !/[\r\n\t]/.test(s), { message: 'a single line without tabs', params: { summary: 'has a line break or a tab' } })
  .refine((s) => s === s.trim(), { message: 'no leading or trailing spaces', params: { summary: 'starts or ends with a space' } })
  .refine((s) => !s.startsWith('-'), { message: "not starting with '-'", params: { summary: "starts with '-'" } })
  .describe('one line of plain text, not starting with -');

export const keyRef = z.strictObject({ name: plainLine.describe("the key holder's name, one line, e.g. Ada"), fingerprint }).describe('{ name, fingerprint }');
export type KeyRef = z.infer<typeof keyRef>;

export const statement = z
  .strictObject({
    id: statementId,
    text: plainLine.describe('the statement, one line of plain text, e.g. "We have never received a search warrant."'),
  })
  .describe('{ id, text }');
export type Statement = z.infer<typeof statement>;

export const statementChange = z.strictObject({
  statement: statementId,
  change: z.enum(['added', 'removed', 'reworded', 'reordered']),
  explanation: plainLine,
});
export type StatementChange = z.infer<typeof statementChange>;

export const signal = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('duress'), message: plainLine }),
  z.strictObject({ kind: z.literal('final'), message: plainLine }),
]);
export type Signal = z.infer<typeof signal>;

export const service = z.strictObject({ name: plainLine, url: z.url({ protocol: /^https?$/ }) });

export const bitcoinProof = z.strictObject({
  chain: z.literal('bitcoin'),
  height: z.int().min(0),
  hash: z.string().regex(/^[0-9a-f]{64}$/),
  depth: z.int().min(1),
  time: instant,
  sources: z.array(plainLine).min(1),
});
export const headline = z.strictObject({ source: plainLine, title: plainLine, url: z.url({ protocol: /^https?$/ }), published: instant });
export const freshness = z.strictObject({ bitcoin: bitcoinProof.optional(), headlines: z.array(headline).optional() });

/** A signed-note verifier key: <name>+<8 hex digits>+<base64> (src/core/tlog/note.ts). */
export const vkey = z
  .string()
  .regex(/^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/, 'a signed-note verifier key, <name>+<8 hex digits>+<base64>')
  .describe('a log verifier key, e.g. lumen-mail.example/canary/log+4c2d1a0b+AT…');

/** The canary's transparency log (decision 0031): optional, so attestations without one keep their format and rendering. */
export const logRef = z.strictObject({
  origin: plainLine,
  key: vkey,
  /** The witness policy (C2SP tlog-policy lines: witness, group, quorum), when the log is witnessed. */
  witnesses: z.array(plainLine).min(1).optional(),
});
export type LogRef = z.infer<typeof logRef>;

export const attestationData = z.strictObject({
  format: z.literal(FORMAT),
  kind: z.literal('attestation'),
  service,
  sequence: z.int().min(1),
  previous: hashRef.nullable(),
  issued: instant,
  expires: instant,
  statements: z.array(statement).min(1),
  changes: z.array(statementChange),
  signers: z.strictObject({ threshold: z.int().min(1), keys: z.array(keyRef).min(1) }),
  panicKeys: z.array(keyRef),
  heartbeat: z.strictObject({
    keys: z.array(keyRef),
    intervalHours: z.int().min(1),
    graceHours: z.int().min(0),
    freshnessRequired: z.boolean(),
    maxBlockAgeHours: z.int().min(1),
  }),
  rotations: z.array(z.strictObject({ retired: fingerprint, replacement: fingerprint, reason: plainLine })),
  documents: z.array(z.strictObject({ path: plainLine, sha256: hashRef })),
  log: logRef.optional(),
  signal,
});
export type AttestationData = z.infer<typeof attestationData>;

export const heartbeatData = z.strictObject({
  format: z.literal(FORMAT),
  kind: z.literal('heartbeat'),
  service,
  sequence: z.int().min(1),
  previous: hashRef.nullable(),
  attestation: z.strictObject({ sequence: z.int().min(1), hash: hashRef }),
  issued: instant,
  expires: instant,
  // Checked by checkFreshnessShape so that a bad proof gets its own reason code.
  freshness: z.unknown(),
  signal,
});
export type HeartbeatData = z.infer<typeof heartbeatData>;

export type CanaryData = AttestationData | HeartbeatData;
export const canaryData = z.discriminatedUnion('kind', [attestationData, heartbeatData]);

/** Formats a Date as an `instant` (seconds precision, UTC). */
export function toInstant(date: Date): string {
  return date.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
