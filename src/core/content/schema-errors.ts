/**
 * The one mapping from zod issues to our messages. zod says what failed in its own words
 * ("Invalid input: expected string, received number"); people need to know what the field
 * takes. Each field says that itself, next to its schema, with `.describe()`: "a version
 * number like 2 or 2.1". This module finds that description along the issue's path and
 * words the summary after the kind of mistake, so no zod text reaches a user.
 *
 * Rules: every problem of a value is reported, each field once; an unknown key is an
 * unknown field with the closest known one ("did you mean `what`?"), and then the required
 * field it was meant to be is not also reported as missing.
 */
import { closest, distance } from 'fastest-levenshtein';
import type { z } from 'zod';

type Schema = z.core.$ZodType;
type Issue = z.core.$ZodIssue;
type Path = PropertyKey[];

export interface FieldProblem {
  field: string;
  summary: string;
  expected: string;
  /** Absent when there is nothing to show (a missing field). */
  received?: unknown;
}

/** The literal text of a value in the source (YAML `1.0`, which parses as the number 1). */
export type LiteralOf = (path: Path) => string | undefined;

const WRAPPERS = new Set(['optional', 'default', 'prefault', 'nullable', 'readonly', 'catch', 'nonoptional']);

function def(s: Schema): Record<string, unknown> & { type: string } {
  return s._zod.def as unknown as Record<string, unknown> & { type: string };
}

/** The schema and the schemas it wraps (optional, default, pipe…), outermost first. */
function layers(s: Schema): Schema[] {
  const out: Schema[] = [s];
  for (let d = def(s); ; d = def(out.at(-1)!)) {
    if (WRAPPERS.has(d.type)) out.push(d['innerType'] as Schema);
    else if (d.type === 'pipe') out.push(d['in'] as Schema);
    else return out;
  }
}

const innermost = (s: Schema): Schema => layers(s).at(-1)!;

function options(s: Schema): Schema[] {
  const d = def(s);
  return d.type === 'union' ? (d['options'] as Schema[]) : [];
}

function childOf(s: Schema, key: PropertyKey): Schema | undefined {
  const inner = innermost(s);
  const d = def(inner);
  switch (d.type) {
    case 'object': return (d['shape'] as Record<string, Schema>)[String(key)];
    case 'array': return d['element'] as Schema;
    case 'tuple': return (d['items'] as Schema[])[Number(key)];
    case 'record': return d['valueType'] as Schema;
    case 'union': {
      for (const o of options(inner)) {
        const c = childOf(o, key);
        if (c) return c;
      }
      return undefined;
    }
    default: return undefined;
  }
}

/** The schema at `path`, or undefined when the path leaves the schema (an unknown key). */
export function schemaAt(root: Schema, path: Path): Schema | undefined {
  let s: Schema | undefined = root;
  for (const key of path) s = s ? childOf(s, key) : undefined;
  return s;
}

function descriptionOf(s: Schema | undefined): string | undefined {
  for (const layer of s ? layers(s) : []) {
    const text = (layer as unknown as { description?: string }).description;
    if (text) return text;
  }
  return undefined;
}

/** The fields an object schema takes (after unwrapping), for "did you mean". */
export function fieldsOf(s: Schema | undefined): string[] {
  if (!s) return [];
  const d = def(innermost(s));
  if (d.type === 'object') return Object.keys(d['shape'] as object);
  return options(innermost(s)).flatMap(fieldsOf);
}

const TYPE_WORDS: Record<string, string> = {
  string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false', array: 'a list', object: 'a set of fields',
  tuple: 'a list', record: 'a set of fields', enum: 'one of the listed values', literal: 'a fixed value', union: 'one of the forms this field takes',
};

/** What a schema takes, for a field that has no description of its own. */
function fallbackExpected(s: Schema | undefined, expectedType?: string): string {
  const d = s ? def(innermost(s)) : undefined;
  if (d?.type === 'enum') return `one of ${Object.values(d['entries'] as object).join(', ')}`;
  if (d?.type === 'literal') return `exactly ${(d['values'] as unknown[]).map((v) => JSON.stringify(v)).join(' or ')}`;
  const format = (s ? innermost(s) : undefined)?._zod.bag as { format?: string } | undefined;
  if (format?.format === 'url') return 'a URL like https://example.org/';
  if (format?.format === 'email') return 'an e-mail address like privacy@example.org';
  return TYPE_WORDS[expectedType ?? d?.type ?? ''] ?? 'a value as described in the docs';
}

function kindOf(value: unknown): string {
  if (value === null) return 'an empty value';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a set of fields';
  if (typeof value === 'string') return 'text';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return 'true/false';
  return 'a value';
}

export function pathOf(path: Path): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('') || '(top level)';
}

function valueAt(data: unknown, path: Path): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), data);
}

interface Context { root: Schema; data: unknown; literal: LiteralOf }

/** A mistake of type: missing, a YAML number where text is wanted, a list for a value. */
function typeProblem(issue: Extract<Issue, { code: 'invalid_type' }>, expected: string, received: unknown, ctx: Context): Omit<FieldProblem, 'field'> {
  if (received === undefined) return { summary: 'missing', expected };
  if (issue.expected === 'string' && (typeof received === 'number' || typeof received === 'boolean')) {
    const literal = ctx.literal(issue.path) ?? String(received);
    return { summary: `${kindOf(received)} where text is wanted`, expected: `${expected} (quote it: ${JSON.stringify(literal)})`, received };
  }
  if (issue.expected === 'int' && typeof received === 'number') return { summary: 'not a whole number', expected, received };
  return { summary: `${kindOf(received)} where ${TYPE_WORDS[issue.expected] ?? 'another kind of value'} is wanted`, expected, received };
}

function boundProblem(issue: Extract<Issue, { code: 'too_small' | 'too_big' }>, expected: string, received: unknown): Omit<FieldProblem, 'field'> {
  const small = issue.code === 'too_small';
  const limit = small ? (issue as { minimum: number | bigint }).minimum : (issue as { maximum: number | bigint }).maximum;
  const bound = `${small ? 'at least' : 'at most'} ${String(limit)}`;
  if (issue.origin === 'string' && small && Number(limit) === 1) return { summary: 'empty', expected, received };
  if (issue.origin === 'array' || issue.origin === 'set') return { summary: small ? 'too few entries' : 'too many entries', expected: `${expected}; ${bound} ${Number(limit) === 1 ? 'entry' : 'entries'}`, received };
  if (issue.origin === 'string') return { summary: small ? 'too short' : 'too long', expected: `${expected}; ${bound} characters`, received };
  return { summary: small ? 'too small' : 'too large', expected: `${expected}; ${bound}`, received };
}

/** zod's default wording, which must never reach a user. */
const ZOD_DEFAULT = /^(Invalid|Too (small|big)|Unrecognized)/;

function describeIssue(issue: Issue, ctx: Context): Omit<FieldProblem, 'field'> {
  const schema = schemaAt(ctx.root, issue.path);
  const received = valueAt(ctx.data, issue.path);
  const described = descriptionOf(schema);
  const expected = described ?? fallbackExpected(schema, issue.code === 'invalid_type' ? issue.expected : undefined);
  switch (issue.code) {
    case 'invalid_type': return typeProblem(issue, expected, received, ctx);
    case 'too_small':
    case 'too_big': return boundProblem(issue, expected, received);
    case 'invalid_value': {
      const values = issue.values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ');
      return { summary: 'not one of the allowed values', expected: described ? `${described}: one of ${values}` : `one of ${values}`, received };
    }
    case 'invalid_format': return { summary: issue.format === 'url' ? 'not a usable URL' : issue.format === 'email' ? 'not an e-mail address' : 'not in the expected form', expected, received };
    case 'custom': {
      // Our own refinements name the mistake in params.summary; their message is what
      // was expected, used when it says more than the field's description (a limit taken
      // from another field: params.specific).
      const params = (issue.params ?? {}) as { summary?: string; specific?: boolean };
      const own = ZOD_DEFAULT.test(issue.message) ? undefined : issue.message;
      return { summary: params.summary ?? 'does not fit', expected: (params.specific ? own : described) ?? own ?? expected, received };
    }
    case 'invalid_union': return { summary: 'not in any form this field takes', expected, received };
    default: return { summary: 'not valid', expected, received };
  }
}

/** The known field a misspelt key most likely means: close in edit distance, and not already present. */
export function nearestField(key: string, known: string[], present: object): string | undefined {
  const candidates = known.filter((k) => !Object.hasOwn(present, k));
  if (candidates.length === 0) return undefined;
  const best = closest(key, candidates);
  const d = distance(key.toLowerCase(), best.toLowerCase());
  // One edit for short names; two (a swap of letters: nmae) from four letters on; three for long ones.
  const allowed = best.length <= 3 ? 1 : Math.max(2, Math.min(3, Math.floor(best.length / 3)));
  return d <= allowed ? best : undefined;
}

function unknownKeyProblems(issue: Extract<Issue, { code: 'unrecognized_keys' }>, ctx: Context, meant: Set<string>): FieldProblem[] {
  const known = fieldsOf(schemaAt(ctx.root, issue.path));
  const present = (valueAt(ctx.data, issue.path) ?? {});
  return issue.keys.map((key) => {
    const near = nearestField(key, known, present);
    if (near) meant.add(pathOf([...issue.path, near]));
    return {
      field: pathOf([...issue.path, key]),
      summary: near ? `unknown field; did you mean \`${near}\`?` : 'unknown field',
      expected: `one of the fields here: ${known.join(', ')}`,
    };
  });
}

/** Every issue as one of our problems: one per field, unknown keys first matched to what they meant. */
export function fieldProblems(issues: readonly Issue[], root: Schema, data: unknown, literal: LiteralOf = () => undefined): FieldProblem[] {
  const ctx: Context = { root, data, literal };
  const meant = new Set<string>();
  // First pass: what each unknown key was meant to be, before "missing" is decided.
  const unknown = new Map(issues.map((i) => [i, i.code === 'unrecognized_keys' ? unknownKeyProblems(i, ctx, meant) : []]));
  const seen = new Set<string>();
  const out: FieldProblem[] = [];
  for (const issue of issues) {
    if (issue.code === 'unrecognized_keys') {
      out.push(...unknown.get(issue)!);
      continue;
    }
    const field = pathOf(issue.path);
    // One cause, one message: a second check of the same field (a date both malformed and
    // unreal) and a "missing" field that a misspelt key was meant to be say nothing new.
    if (seen.has(field) || (meant.has(field) && valueAt(data, issue.path) === undefined)) continue;
    seen.add(field);
    out.push({ field, ...describeIssue(issue, ctx) });
  }
  return out;
}
