/**
 * The canary data schema (model.ts) written out by hand for the verify path, which then
 * needs neither zod's 700 KB nor its first-call compilation. It only ever accepts: for
 * valid data it returns exactly what zod's parse returns (the same values, keys in the
 * schema's order); for anything else null, and the caller asks zod, which says what is
 * wrong in its own words. test/property/fast-path.test.ts holds it to that.
 */
import { FORMAT } from './format.ts';

type Json = Record<string, unknown>;
/** A field reader: the value as zod outputs it, or FAIL. */
type Field = (v: unknown) => unknown;

const FAIL = Symbol('invalid');

const isRecord = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const str =
  (re: RegExp): Field =>
  (v) =>
    typeof v === 'string' && re.test(v) ? v : FAIL;
const int =
  (min: number): Field =>
  (v) =>
    Number.isSafeInteger(v) && (v as number) >= min ? v : FAIL;
const literal =
  (value: string): Field =>
  (v) =>
    v === value ? v : FAIL;

const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
const DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
/** zod's check (Date.parse, then the ISO round trip) without building Dates: a real calendar second. */
const instant: Field = (v) => {
  if (typeof v !== 'string' || !INSTANT.test(v)) return FAIL;
  const [y, mo, d, h, mi, s] = [v.slice(0, 4), v.slice(5, 7), v.slice(8, 10), v.slice(11, 13), v.slice(14, 16), v.slice(17, 19)].map(Number) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const leap = y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0);
  const days = mo === 2 && leap ? 29 : (DAYS[mo - 1] ?? 0);
  return d >= 1 && d <= days && h <= 23 && mi <= 59 && s <= 59 ? v : FAIL;
};
const fingerprint = str(/^[0-9A-F]{40}$/);
const hashRef = str(/^sha256:[0-9a-f]{64}$/);
const statementId = str(/^[A-Z][A-Z0-9_]{1,31}$/);
const plainLine: Field = (v) =>
  typeof v === 'string' && v.length >= 1 && v.length <= 2000 && v.isWellFormed() && !/[\r\n\t]/.test(v) && v === v.trim() && !v.startsWith('-') ? v : FAIL;
/** zod trims a URL and deletes tabs and line breaks in it; only URLs where that changes nothing are taken here. */
const httpUrl: Field = (v) =>
  typeof v === 'string' && v === v.trim() && !/[\t\n\r]/.test(v) && /^https?:\/\//i.test(v) && /^https?:$/.test(URL.parse(v)?.protocol ?? '') ? v : FAIL;
const nullable =
  (f: Field): Field =>
  (v) =>
    v === null ? null : f(v);
const oneOf =
  (...values: string[]): Field =>
  (v) =>
    typeof v === 'string' && values.includes(v) ? v : FAIL;

const OPTIONAL = Symbol('optional');
type OptionalField = Field & { [OPTIONAL]?: true };
/** z.optional() inside a strict object: the key may be absent (never present as undefined: this is JSON). */
const optional = (f: Field): OptionalField => Object.assign((v: unknown) => f(v), { [OPTIONAL]: true as const });

/** z.strictObject: these keys (the optional ones may be absent), no others, output in this order. */
const object =
  (shape: Record<string, OptionalField>): Field =>
  (v) => {
    if (!isRecord(v)) return FAIL;
    if (Object.keys(v).some((k) => !Object.hasOwn(shape, k))) return FAIL;
    const out: Json = {};
    for (const [k, f] of Object.entries(shape)) {
      if (!Object.hasOwn(v, k)) {
        if (f[OPTIONAL]) continue;
        return FAIL;
      }
      const value = f(v[k]);
      if (value === FAIL) return FAIL;
      out[k] = value;
    }
    return out;
  };

const array =
  (f: Field, min = 0): Field =>
  (v) => {
    if (!Array.isArray(v) || v.length < min) return FAIL;
    const out: unknown[] = [];
    for (const item of v) {
      const value = f(item);
      if (value === FAIL) return FAIL;
      out.push(value);
    }
    return out;
  };

const keyRef = object({ name: plainLine, fingerprint });
const service = object({ name: plainLine, url: httpUrl });
const signal: Field = (v) =>
  isRecord(v) && v['kind'] === 'none'
    ? object({ kind: literal('none') })(v)
    : isRecord(v) && (v['kind'] === 'duress' || v['kind'] === 'final')
      ? object({ kind: literal(v['kind']), message: plainLine })(v)
      : FAIL;

const attestation = object({
  format: literal(FORMAT),
  kind: literal('attestation'),
  service,
  sequence: int(1),
  previous: nullable(hashRef),
  issued: instant,
  expires: instant,
  statements: array(object({ id: statementId, text: plainLine }), 1),
  changes: array(object({ statement: statementId, change: oneOf('added', 'removed', 'reworded', 'reordered'), explanation: plainLine })),
  signers: object({ threshold: int(1), keys: array(keyRef, 1) }),
  panicKeys: array(keyRef),
  heartbeat: object({
    keys: array(keyRef),
    intervalHours: int(1),
    graceHours: int(0),
    freshnessRequired: (v) => (typeof v === 'boolean' ? v : FAIL),
    maxBlockAgeHours: int(1),
  }),
  rotations: array(object({ retired: fingerprint, replacement: fingerprint, reason: plainLine })),
  documents: array(object({ path: plainLine, sha256: hashRef })),
  log: optional(object({ origin: plainLine, key: str(/^[^\s+]+\+[0-9a-f]{8}\+[A-Za-z0-9+/]+=*$/), witnesses: optional(array(plainLine, 1)) })),
  signal,
});

const heartbeat = object({
  format: literal(FORMAT),
  kind: literal('heartbeat'),
  service,
  sequence: int(1),
  previous: nullable(hashRef),
  attestation: object({ sequence: int(1), hash: hashRef }),
  issued: instant,
  expires: instant,
  // z.unknown(), but the key must be there (zod: "expected nonoptional").
  freshness: (v) => (v === undefined ? FAIL : v),
  signal,
});

/** What `canaryData.parse(raw)` returns, or null when zod must be asked. */
export function parseCanaryDataFast(raw: unknown): unknown {
  const kind = isRecord(raw) ? raw['kind'] : undefined;
  const out = kind === 'attestation' ? attestation(raw) : kind === 'heartbeat' ? heartbeat(raw) : FAIL;
  return out === FAIL ? null : out;
}
