/**
 * The witness's list of logs (`<state>/witness.yml`, docs/witness.md#the-list-of-logs) and
 * the log's list of witnesses (canary.yml `log.witnesses`, docs/witness.md#asking-witnesses-the-logs-side).
 * Keys are C2SP vkeys; they are parsed here, so that a mistyped key is a schema error
 * with its field, not a refusal at the first request.
 */
import { z } from 'zod';
import { parseYaml, validate } from '../content/yaml.ts';
import { COSIGNATURE_V1, ED25519, keyId, parseVerifierKey, type VerifierKey } from '../tlog/note.ts';

export const WITNESS_CONFIG_DOCS = 'docs/witness.md#the-list-of-logs';
export const WITNESS_LIST_DOCS = 'docs/witness.md#asking-witnesses-the-logs-side';

/**
 * A schema-less URL as C2SP recommends for origins (host, then path segments), so that
 * it can also name the folder a witness writes its cosignatures to: no `.` or `..`
 * segment, no backslash, nothing a file system would read otherwise.
 */
const ORIGIN = /^[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*(:[0-9]+)?(\/[A-Za-z0-9_~%+=-][A-Za-z0-9._~%+=-]*)*$/;

export const origin = z
  .string()
  .regex(ORIGIN)
  .refine((o) => !o.split('/').some((s) => s === '.' || s === '..'))
  .describe('a log origin, the first line of its checkpoints, e.g. lumen-mail.example/canary/log');

function vkey(type: 'log' | 'witness') {
  return z
    .string()
    .transform((text, ctx): VerifierKey => {
      const key = parseVerifierKey(text);
      if (typeof key === 'string' || (type === 'log' && key.type !== ED25519)) {
        ctx.addIssue({ code: 'custom', message: type === 'log' ? 'an Ed25519 (type 1) vkey' : 'a vkey', params: { summary: 'not a verifier key' } });
        return z.NEVER;
      }
      return key;
    })
    .describe(
      type === 'log'
        ? 'the log\'s verifier key, in quotes, e.g. "lumen-mail.example/canary/log+1a2b3c4d+AQ…"'
        : 'the witness\'s verifier key, in quotes, e.g. "witness.example/w1+1a2b3c4d+BA…"',
    );
}

const url = z.url({ protocol: /^https?$/ });

export const witnessConfig = z
  .strictObject({
    /** The logs this witness cosigns, each known by its origin and key. */
    logs: z
      .array(
        z
          .strictObject({
            origin,
            key: vkey('log'),
            /** The site that publishes the log, for `candor witness check` without arguments. */
            site: url.describe("the site's address, e.g. https://lumen-mail.example/").optional(),
          })
          .describe('{ origin, key, site? }'),
      )
      .min(1)
      .describe('a list of { origin, key, site? }'),
  })
  .superRefine((c, ctx) => {
    c.logs.forEach((l, i) => {
      if (c.logs.findIndex((m) => m.origin === l.origin) !== i)
        ctx.addIssue({ code: 'custom', path: ['logs', i, 'origin'], message: 'each log once', params: { summary: 'a log listed twice', specific: true } });
    });
  });
export type WitnessConfig = z.infer<typeof witnessConfig>;

export function parseWitnessConfig(text: string, file: string): WitnessConfig {
  return validate(witnessConfig, parseYaml(text, file), file, { hint: `See ${WITNESS_CONFIG_DOCS}.`, source: text });
}

/** A witness key as a cosignature (type 4) verifier, whichever type it was written in (as tlog-policy allows). */
export function asCosigner(key: VerifierKey): VerifierKey {
  return key.type === COSIGNATURE_V1 ? key : { ...key, type: COSIGNATURE_V1, keyId: keyId(key.name, COSIGNATURE_V1, key.publicKey) };
}

/**
 * One witness the log asks for a cosignature (canary.yml `log.witnesses`): its name in the
 * witness policy, its key, and its tlog-witness submission prefix (`<url>/add-checkpoint`).
 */
export const witnessEntry = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9._-]+$/)
      .describe('a short name for the policy, e.g. w1'),
    key: vkey('witness').transform(asCosigner),
    url: url.describe("the witness's submission prefix, e.g. https://witness.example/"),
  })
  .describe('{ name, key, url }');
export type WitnessEntry = z.infer<typeof witnessEntry>;

export const witnessList = z
  .array(witnessEntry)
  .superRefine((list, ctx) => {
    list.forEach((w, i) => {
      if (list.findIndex((v) => v.name === w.name) !== i)
        ctx.addIssue({ code: 'custom', path: [i, 'name'], message: 'each name once', params: { summary: 'a witness listed twice', specific: true } });
      else if (list.findIndex((v) => v.key.keyId === w.key.keyId && v.key.name === w.key.name) !== i)
        ctx.addIssue({ code: 'custom', path: [i, 'key'], message: 'each key once', params: { summary: 'a witness key listed twice', specific: true } });
    });
  })
  .describe('a list of { name, key, url }');

/** Where a Candor site serves its log: `<site>/canary/log/` (with the site's base path). */
export function siteLogUrl(site: string): string {
  const u = new URL(site);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/canary/log/`;
  u.search = '';
  u.hash = '';
  return u.toString();
}
