/** Splits a Markdown file into YAML front matter and body (pure). */
import { ContentError } from '../errors.ts';
import { parseYaml } from './yaml.ts';

export interface FrontMatterDocument {
  data: unknown;
  body: string;
  /** The line where the body starts (1-based), for error messages. */
  bodyLine: number;
  /** The front matter's YAML text, to quote values as written (validate's `source`). */
  yaml: string;
}

const OPEN = /^---[ \t]*\r?\n/;
const CLOSE = /\r?\n---[ \t]*(?:\r?\n|$)/;

export function parseFrontMatter(text: string, file: string): FrontMatterDocument {
  const source = text.replace(/^\uFEFF/, '');
  if (!OPEN.test(source)) {
    throw new ContentError('FRONT_MATTER_INVALID', 'no front matter', { file, expected: 'the file to start with a line "---", YAML fields, and a closing "---"', received: source.split('\n')[0] ?? '', hint: 'Copy the front matter of the previous version, or run: candor policy new POLICY' });
  }
  const afterOpen = source.replace(OPEN, '');
  const close = CLOSE.exec(`\n${afterOpen}`);
  if (!close) {
    throw new ContentError('FRONT_MATTER_INVALID', 'front matter is not closed', { file, expected: 'a line "---" after the YAML fields', received: 'end of file', hint: 'End the front matter with a line of three dashes, ---, before the body (see docs/content.md#policy-versions).' });
  }
  const yaml = `\n${afterOpen}`.slice(1, close.index);
  const body = `\n${afterOpen}`.slice(close.index + close[0].length);
  return { data: parseYaml(yaml, file) ?? {}, body, bodyLine: yaml.split('\n').length + 3, yaml };
}
