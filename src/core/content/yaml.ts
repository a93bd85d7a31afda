/** YAML parsing that turns every problem into a ContentError naming file, line and field. */
import { parseDocument } from 'yaml';
import type { z } from 'zod';
import { ContentError } from '../errors.ts';

export function parseYaml(text: string, file: string): unknown {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  const error = doc.errors[0];
  if (error) {
    throw new ContentError('YAML_INVALID', `invalid YAML at line ${error.linePos?.[0]?.line ?? '?'}`, {
      file, expected: 'valid YAML', received: error.message.split('\n')[0], hint: 'Check indentation and quoting near that line.',
    });
  }
  return doc.toJS();
}

function pathOf(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i > 0 ? '.' : ''}${String(p)}`)).join('');
}

function valueAt(data: unknown, path: PropertyKey[]): unknown {
  return path.reduce<unknown>((v, key) => (v !== null && typeof v === 'object' ? (v as Record<PropertyKey, unknown>)[key] : undefined), data);
}

/** Validates `data` against `schema`; the first issue becomes a ContentError. */
export function validate<T extends z.ZodType>(schema: T, data: unknown, file: string, hint?: string): z.infer<T> {
  const result = schema.safeParse(data);
  if (result.success) return result.data;
  const issue = result.error.issues[0]!;
  const unknownKeys = issue.code === 'unrecognized_keys' ? issue.keys : undefined;
  const field = pathOf([...issue.path, ...(unknownKeys ? [unknownKeys[0]!] : [])]) || '(top level)';
  throw new ContentError('SCHEMA_INVALID', unknownKeys ? 'unknown field' : issue.message, {
    file,
    field,
    expected: unknownKeys ? 'only the documented fields' : issue.message,
    received: unknownKeys ? unknownKeys.join(', ') : valueAt(data, issue.path),
    hint: hint ?? 'See docs/content.md for the fields this file takes.',
  });
}
