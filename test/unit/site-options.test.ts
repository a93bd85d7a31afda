/** The pure parts of service.yml's site options: parts, contrast (WCAG 2.1 AA) and the base path. */
import { describe, expect, it } from 'vitest';
import { AA_RATIO, contrastProblems, contrastRatio } from '../../src/core/content/contrast.ts';
import { DEFAULT_COLOURS, resolveParts } from '../../src/core/content/site-options.ts';
import { siteAddress, siteBase, underBase } from '../../src/core/site/base-path.ts';

const tree = (policies: boolean, transparency: boolean, canary: boolean) => ({ policies, transparency, canary });

describe('resolveParts', () => {
  it('without a list, the parts are what the tree holds', () => {
    expect([...resolveParts(undefined, tree(true, false, true)).parts].sort()).toEqual(['canary', 'policies']);
    expect(resolveParts(undefined, tree(true, false, true)).problems).toEqual([]);
  });

  it('an empty tree has nothing to publish', () => {
    expect(resolveParts(undefined, tree(false, false, false)).problems.map((p) => p.code)).toEqual(['NO_PARTS']);
  });

  it('a listed part without content is an error; content not listed is a warning and not published', () => {
    const { parts, problems } = resolveParts(['policies', 'transparency'], tree(true, false, true));
    expect([...parts].sort()).toEqual(['policies', 'transparency']);
    expect(problems.map((p) => [p.level, p.code])).toEqual([
      ['error', 'PART_MISSING'],
      ['warning', 'PART_NOT_LISTED'],
    ]);
  });
});

describe('contrast', () => {
  it('measures the WCAG 2.1 ratio: black on white is 21:1, a colour on itself 1:1', () => {
    expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
    expect(contrastRatio('#777777', '#777777')).toBeCloseTo(1, 5);
    // #767676 on white is the well-known lightest grey that passes AA (4.54:1).
    expect(contrastRatio('#767676', '#ffffff')).toBeGreaterThanOrEqual(AA_RATIO);
    expect(contrastRatio('#777777', '#ffffff')).toBeLessThan(AA_RATIO);
  });

  it('the default colours pass, and so does no branding at all', () => {
    expect(contrastProblems(undefined)).toEqual([]);
    expect(contrastProblems({ ...DEFAULT_COLOURS })).toEqual([]);
  });

  it('a pale accent is refused with its measured ratio', () => {
    const problems = contrastProblems({ accent: '#9ec5fe' });
    expect(problems.map((p) => p.field)).toEqual(['colors.accent']);
    expect(problems[0]!.message).toMatch(/\d\.\d\d:1/);
  });

  it('a dark background is refused: the text would not read on it', () => {
    expect(contrastProblems({ background: '#202020' }).map((p) => p.field)).toContain('colors.background');
  });
});

describe('base path', () => {
  it('defaults to the path of the service URL, with a trailing slash', () => {
    expect(siteBase({ url: 'https://example.org' })).toBe('/');
    expect(siteBase({ url: 'https://example.github.io/candor-demo' })).toBe('/candor-demo/');
    expect(siteBase({ url: 'https://example.org', base: '/docs/' })).toBe('/docs/');
  });

  it('puts root-relative paths and the site address under the base', () => {
    expect(underBase('/', '/canary/')).toBe('/canary/');
    expect(underBase('/candor-demo/', '/canary/')).toBe('/candor-demo/canary/');
    expect(siteAddress({ url: 'https://example.github.io', base: '/candor-demo/' })).toBe('https://example.github.io/candor-demo/');
  });
});
