/** watch.yml (src/core/watch/config.ts): what it takes, and every problem in our words with a hint to docs/watch.md. */
import { describe, expect, it } from 'vitest';
import { allProblems, ContentError } from '../../src/core/errors.ts';
import { parseWatchConfig } from '../../src/core/watch/config.ts';
import { extract, readDate } from '../../src/core/watch/extract.ts';

const FPR = 'B71E4FB9E9F78B713ECBE1D60685E3104EE941A7';

function problems(text: string): { code: string; field: string | undefined; summary: string; hint: string | undefined }[] {
  try {
    parseWatchConfig(text, 'watch.yml');
  } catch (error) {
    if (!(error instanceof ContentError)) throw error;
    return allProblems(error).map((e) => ({ code: e.code, field: e.details.field, summary: e.summary, hint: e.hint }));
  }
  throw new Error('expected problems');
}

describe('watch.yml', () => {
  it('reads both kinds with their defaults', () => {
    const config = parseWatchConfig(
      [
        'sites:',
        '  - { name: lumen, url: "https://lumen.example/", kind: candor, pins: [' + FPR + '] }',
        '  - name: other',
        '    url: https://other.example/canary.txt',
        '    kind: signed-text',
        '    tofu: true',
        '    keys: [https://keys.example/other.asc]',
        '    intervalHours: 6',
        '    rule:',
        '      issued: { field: Date }',
        "      expires: { regex: 'valid until (\\S+)' }",
        "      statements: { regex: '^\\d+\\. (.+)$' }",
      ].join('\n'),
      'watch.yml',
    );
    expect(config.checks).toEqual({ concurrency: 8, timeoutSeconds: 10, retries: 2 });
    expect(config.sites[0]).toMatchObject({ name: 'lumen', kind: 'candor', pins: [FPR], keys: [], intervalHours: 24, unknownAfter: 3 });
    expect(config.sites[1]).toMatchObject({ tofu: true, intervalHours: 6, rule: { issued: { field: 'Date' } } });
  });

  it('reports every problem once, each with a code and a hint to docs/watch.md', () => {
    const found = problems(
      [
        'sites:',
        '  - { name: Lumen!, url: "ftp://x", kind: candor }',
        '  - { name: b, url: "https://b.example/", kind: signed-text, pins: [' + FPR + '], tofu: true }',
        '  - { name: b, url: "https://c.example/", kind: candor, pins: [abc], rule: { issued: { field: D }, statements: { regex: "(" } } }',
        'chekcs: {}',
      ].join('\n'),
    );
    expect(found.every((p) => p.code === 'SCHEMA_INVALID' && p.hint === 'See docs/watch.md#watchyml.')).toBe(true);
    expect(found.map((p) => [p.field, p.summary])).toEqual([
      ['sites[0].name', 'not in the expected form'],
      ['sites[0].url', 'not a usable URL'],
      ['sites[2].pins[0]', 'not in the expected form'],
      ['sites[2].rule.statements.regex', 'not a regular expression'],
      ['chekcs', 'unknown field; did you mean `checks`?'],
      // The refinements run too: every problem of the file in one pass.
      ['sites[0].pins', 'missing'],
      ['sites[1].tofu', 'both pins and tofu'],
      ['sites[1].rule', 'missing'],
      ['sites[1].keys', 'missing'],
      ['sites[2].name', 'a name used twice'],
      ['sites[2].rule', 'only for kind: signed-text'],
    ]);
  });

  it('refines what the fields cannot say alone: names once, pins or tofu, a rule and keys for signed-text', () => {
    const found = problems(
      [
        'sites:',
        '  - { name: a, url: "https://a.example/", kind: candor }',
        '  - { name: a, url: "https://b.example/", kind: signed-text, tofu: true }',
        '  - { name: c, url: "https://c.example/", kind: signed-text, tofu: true, keys: [k.asc], rule: { issued: { field: D }, statements: { regex: "x" } } }',
        '  - { name: d, url: "https://d.example/", kind: candor, tofu: true, signature: "https://d.example/c.sig" }',
      ].join('\n'),
    );
    expect(found.map((p) => [p.field, p.summary])).toEqual([
      ['sites[0].pins', 'missing'],
      ['sites[1].name', 'a name used twice'],
      ['sites[1].rule', 'missing'],
      ['sites[1].keys', 'missing'],
      ['sites[2].rule.expires', 'no expiry'],
      ['sites[3].signature', 'only for kind: signed-text'],
    ]);
  });

  it('bad YAML is YAML_INVALID', () => {
    expect(problems('sites: [\n')[0]!.code).toBe('YAML_INVALID');
  });
});

describe('reading a signed text by its rule', () => {
  const text = [
    'Canary #7',
    'Date: 2026-11-02',
    'Valid until: 2027-02-01',
    '',
    '1. No warrants have been served to us.',
    '2. No gag orders.',
    '',
    'Signed.',
  ].join('\n');

  it('takes the dates from named fields or patterns, and the statements from the lines that match', () => {
    const r = extract(text, { issued: { field: 'date' }, expires: { regex: 'Valid until: (\\S+)' }, statements: { regex: '^\\d+\\.\\s+(.+)$' } });
    expect(r).toEqual({
      ok: true,
      value: {
        issued: '2026-11-02T00:00:00.000Z',
        expires: '2027-02-01T00:00:00.000Z',
        expiresFrom: 'stated',
        statements: ['No warrants have been served to us.', 'No gag orders.'],
      },
    });
  });

  it("without a stated expiry uses expiresAfterDays, and says the expiry is the rule's", () => {
    const r = extract(text, { issued: { field: 'Date' }, expiresAfterDays: 30, statements: { regex: '^\\d+\\. .+$' } });
    expect(r.ok && r.value).toMatchObject({
      expires: '2026-12-02T00:00:00.000Z',
      expiresFrom: 'rule',
      statements: ['1. No warrants have been served to us.', '2. No gag orders.'],
    });
  });

  it('says what it could not find', () => {
    expect(extract(text, { issued: { field: 'Issued' }, expiresAfterDays: 1, statements: { regex: 'x' } })).toEqual({
      ok: false,
      problem: 'no issue date found (no "Issued:" line)',
    });
    expect(extract('Date: soon', { issued: { field: 'Date' }, expiresAfterDays: 1, statements: { regex: 'x' } })).toEqual({
      ok: false,
      problem: 'the issue date "soon" is not a date',
    });
    expect(extract(text, { issued: { field: 'Date' }, expiresAfterDays: 1, statements: { regex: '^NOPE' } })).toMatchObject({
      ok: false,
      problem: expect.stringMatching(/no statement found/),
    });
  });

  it('reads dates as UTC, in the forms canaries write them, and refuses unreal ones', () => {
    expect(readDate('2026-02-30')).toBeUndefined();
    expect(readDate('1 December 2026')?.toISOString()).toBe('2026-12-01T00:00:00.000Z');
    expect(readDate('2026-12-01T10:00:00')?.toISOString()).toBe('2026-12-01T10:00:00.000Z');
    expect(readDate('2026-12-01T10:00:00+02:00')?.toISOString()).toBe('2026-12-01T08:00:00.000Z');
  });
});
