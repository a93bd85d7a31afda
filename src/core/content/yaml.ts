/** YAML parsing that turns every problem into a ContentError naming file, line and field. */
import { isScalar, parseDocument } from 'yaml';
import type { z } from 'zod';
import { DOCS } from '../docs-links.ts';
import { ContentError } from '../errors.ts';
import { fieldProblems, type FieldProblem, type LiteralOf } from './schema-errors.ts';

export function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    throw new ContentError('YAML_INVALID', `invalid YAML at line ${error.linePos?.[0]?.line ?? '?'}`, {
      file, expected: 'valid YAML', received: error.message.split('\n')[0], hint: 'Check indentation and quoting near that line (a value with ": " or "#" in it needs quotes).',
    });
  }
  return doc.toJS();
}

/** The value as written in `source` at `path`: `1.0`, which YAML hands over as the number 1. */
export function yamlLiteral(source: string): LiteralOf {
  return (path) => {
    const node = parseDocument(source).getIn(path, true);
    if (!isScalar(node) || !node.range) return undefined;
    return source.slice(node.range[0], node.range[1]).trim();
  };
}

export interface ValidateOptions {
  /** Where to read about this file's fields: a section of the docs (docs-links.ts), or one per field ("facts.cookies[0].name"). */
  hint?: string | ((field: string) => string);
  /** The YAML text the data came from, to quote values as they were written. */
  source?: string;
}

/**
 * Validates `data` against `schema`. Every problem becomes a ContentError (SCHEMA_INVALID)
 * naming the file and field once, in our words (schema-errors.ts): the first is thrown,
 * carrying the others in `also`.
 */
export function validate<T extends z.ZodType>(schema: T, data: unknown, file: string, opts: ValidateOptions = {}): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const literal = opts.source === undefined ? undefined : yamlLiteral(opts.source);
  const hintFor = (field: string): string => (typeof opts.hint === 'function' ? opts.hint(field) : (opts.hint ?? `See ${DOCS.errors}.`));
  const [first, ...rest] = fieldProblems(result.error.issues, schema, data, literal);
  const details = (p: FieldProblem) => ({
    file,
    field: p.field,
    expected: p.expected,
    ...('received' in p ? { received: p.received } : {}),
    hint: hintFor(p.field),
  });
  throw new ContentError('SCHEMA_INVALID', first!.summary, details(first!), rest.map((p) => new ContentError('SCHEMA_INVALID', p.summary, details(p))));
}
