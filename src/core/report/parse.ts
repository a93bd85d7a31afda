/**
 * Parses one transparency report file (pure): front matter validated against
 * `reportFrontMatter`, then the rules a schema cannot say: real country codes, and a
 * file name that names exactly the period the report covers.
 */
import { parseFrontMatter } from '../content/front-matter.ts';
import { validate } from '../content/yaml.ts';
import { see } from '../docs-links.ts';
import { ContentError } from '../errors.ts';
import { isCountryCode } from './countries.ts';
import { reportFrontMatter, type Report, type ReportFrontMatter } from './model.ts';
import { periodOfStem, STEM_EXAMPLE } from './period.ts';

const HINT = see('report');

/** `path` is relative to content/, e.g. transparency/2025-h1.md; the id is the file stem. */
export function parseReport(source: string, path: string): Report {
  const file = `content/${path}`;
  const { data, body, yaml } = parseFrontMatter(source, file);
  const fm = validate(reportFrontMatter, data, file, { hint: HINT, source: yaml });
  const id = (path.split('/').at(-1) ?? path).replace(/\.md$/, '');
  // Every rule of the file is reported, not only the first that fails.
  const [first, ...rest] = [...countryErrors(fm, file), ...periodErrors(fm, id, file)];
  if (first) throw new ContentError(first.code, first.summary, first.details, rest);
  return { ...fm, id, path, body, source };
}

function countryErrors(fm: ReportFrontMatter, file: string): ContentError[] {
  return fm.requests.flatMap((row, i) =>
    isCountryCode(row.country)
      ? []
      : [
          new ContentError('SCHEMA_INVALID', 'not an ISO 3166-1 alpha-2 country code', {
            file,
            field: `requests[${i}].country`,
            expected: 'an assigned ISO 3166-1 alpha-2 code such as DE, FR or US',
            received: row.country,
            hint: see('requestRows', 'Use the two-letter code of the requesting state (the United Kingdom is GB).'),
          }),
        ],
  );
}

function periodErrors(fm: ReportFrontMatter, id: string, file: string): ContentError[] {
  const expected = periodOfStem(id, fm.cadence);
  if (!expected) {
    return [
      new ContentError('SCHEMA_INVALID', `file name does not name a ${fm.cadence} period`, {
        file,
        field: 'cadence',
        expected: `a file named ${STEM_EXAMPLE[fm.cadence]}, then .md`,
        received: id,
        hint: see('report', 'Name the file after the period it covers, or correct the cadence.'),
      }),
    ];
  }
  if (expected.start !== fm.period.start || expected.end !== fm.period.end) {
    return [
      new ContentError('SCHEMA_INVALID', `period does not match the file name ${id}`, {
        file,
        field: 'period',
        expected: `start: ${expected.start}, end: ${expected.end}`,
        received: fm.period,
        hint: see('report', 'A report covers exactly the half-year, quarter or year its file is named after.'),
      }),
    ];
  }
  return [];
}
