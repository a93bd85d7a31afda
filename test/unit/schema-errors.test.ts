/** The one mapping from zod issues to our messages (src/core/content/schema-errors.ts). */
import { describe, expect, it } from 'vitest';
import type { z } from 'zod';
import { canaryConfig, serviceConfig, statementsFile } from '../../src/core/content/canary-config.ts';
import { fieldProblems, nearestField } from '../../src/core/content/schema-errors.ts';
import { validate, yamlLiteral } from '../../src/core/content/yaml.ts';
import { allProblems, ContentError } from '../../src/core/errors.ts';
import { frontMatter } from '../../src/core/policy/model.ts';
import { reportFrontMatter } from '../../src/core/report/model.ts';
import { watchConfig } from '../../src/core/watch/config.ts';

const GOOD = { title: 'Privacy', version: '3.0', effective: '2027-01-15', published: '2026-11-20', change: 'material', summary: 'Shorter logs.' };

function problemsOf(schema: z.ZodType, data: unknown, source?: string) {
  const result = schema.safeParse(data);
  if (result.success) throw new Error('expected a failure');
  return fieldProblems(result.error.issues, schema, data, source === undefined ? undefined : yamlLiteral(source));
}

/** Every field of a schema, at every depth, with whether it says what it takes. */
function leaves(schema: z.core.$ZodType, at = ''): { at: string; described: boolean }[] {
  const layersOf = (s: z.core.$ZodType): z.core.$ZodType[] => {
    const d = s._zod.def as unknown as { type: string; innerType?: z.core.$ZodType; in?: z.core.$ZodType };
    const inner = d.innerType ?? (d.type === 'pipe' ? d.in : undefined);
    return inner ? [s, ...layersOf(inner)] : [s];
  };
  const layers = layersOf(schema);
  const inner = layers.at(-1)!;
  const d = inner._zod.def as unknown as { type: string; shape?: Record<string, z.core.$ZodType>; element?: z.core.$ZodType };
  const described = layers.some((l) => Boolean((l as unknown as { description?: string }).description));
  if (d.type === 'object') return [...(at ? [{ at, described }] : []), ...Object.entries(d.shape!).flatMap(([k, v]) => leaves(v, at ? `${at}.${k}` : k))];
  if (d.type === 'array') return [{ at, described }, ...leaves(d.element!, `${at}[]`).filter((l) => l.at !== `${at}[]` || !described)];
  return [{ at, described }];
}

describe('schema errors in our words', () => {
  it('a YAML number where text is wanted says to quote it, with the value as written', () => {
    const source = 'version: 1.0\n';
    const [p] = problemsOf(frontMatter, { ...GOOD, version: 1 }, source);
    expect(p).toMatchObject({ field: 'version', summary: 'a number where text is wanted', received: 1 });
    expect(p!.expected).toContain('quote it: "1.0"');
  });

  it('a date that is not a real date says so, once', () => {
    const problems = problemsOf(frontMatter, { ...GOOD, effective: '2026-13-45' });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ field: 'effective', summary: 'not a real date', received: '2026-13-45' });
    expect(problems[0]!.expected).toMatch(/YYYY-MM-DD.*e\.g\. 2026-03-01/);
  });

  it('a misspelt key is an unknown field with did-you-mean, and the field it meant is not also missing', () => {
    const { summary, ...rest } = GOOD;
    const problems = problemsOf(frontMatter, { ...rest, sumary: summary });
    expect(problems).toEqual([expect.objectContaining({ field: 'sumary', summary: 'unknown field; did you mean `summary`?' })]);
  });

  it('an unknown key far from every field is unknown, and a missing field is then still missing', () => {
    const { summary: _, ...rest } = GOOD;
    const problems = problemsOf(frontMatter, { ...rest, colour: 'blue' });
    expect(problems.map((p) => [p.field, p.summary])).toEqual([
      ['summary', 'missing'],
      ['colour', 'unknown field'],
    ]);
  });

  it('reports every problem of a file, in order, each field once', () => {
    const problems = problemsOf(frontMatter, { ...GOOD, version: 1, effective: '2026-13-45', change: 'major' });
    expect(problems.map((p) => p.field)).toEqual(['version', 'effective', 'change']);
    expect(problems[2]!.expected).toBe('the kind of change: one of material, minor, editorial');
  });

  it('validate throws the first problem carrying the others, each naming file and field once', () => {
    let error: unknown;
    try {
      validate(frontMatter, { ...GOOD, version: 1, effective: '2026-13-45' }, 'content/policies/privacy/3.0.md', {
        hint: 'See docs/content.md#policy-versions.',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ContentError);
    const all = allProblems(error as ContentError);
    expect(all.map((e) => e.code)).toEqual(['SCHEMA_INVALID', 'SCHEMA_INVALID']);
    for (const e of all) expect(e.message.split('content/policies/privacy/3.0.md')).toHaveLength(2);
    expect(all[0]!.message.split('\n')[0]).toBe('content/policies/privacy/3.0.md: version: a number where text is wanted');
  });

  it("never passes zod's own wording on", () => {
    const inputs: [z.ZodType, unknown][] = [
      [
        frontMatter,
        {
          title: ['x'],
          version: {},
          effective: 5,
          published: null,
          change: 1,
          summary: '',
          facts: { retention: [{ what: 'x', period: 'forever', extra: 1 }] },
        },
      ],
      [reportFrontMatter, { requests: [{ received: 'six', outcomes: { rejected: -1 } }], period: 'H1' }],
      [canaryConfig, { signers: { threshold: 0, keys: [] }, heartbeat: 'daily' }],
      [serviceConfig, null],
      [statementsFile, { statements: [{ id: 'x', text: 'a\nb' }] }],
    ];
    for (const [schema, data] of inputs) {
      for (const p of problemsOf(schema, data))
        expect(`${p.summary} ${p.expected}`).not.toMatch(/Invalid|Too (small|big)|Unrecognized|received (string|number|undefined)/);
    }
  });

  it('every field of the content schemas says what it takes', () => {
    const schemas = { frontMatter, reportFrontMatter, canaryConfig, serviceConfig, statementsFile, watchConfig };
    expect(Object.values(schemas).flatMap((s) => leaves(s)).length).toBeGreaterThan(80);
    const missing = Object.entries(schemas).flatMap(([name, s]) =>
      leaves(s)
        .filter((l) => !l.described)
        .map((l) => `${name}: ${l.at}`),
    );
    expect(missing).toEqual([]);
  });

  it('did-you-mean takes near names only, and not a field already present', () => {
    expect(nearestField('whatt', ['what', 'why'], {})).toBe('what');
    expect(nearestField('nmae', ['name', 'url'], {})).toBe('name');
    expect(nearestField('colour', ['name', 'url'], {})).toBeUndefined();
    expect(nearestField('whatt', ['what', 'why'], { what: 1 })).toBeUndefined();
  });
});
