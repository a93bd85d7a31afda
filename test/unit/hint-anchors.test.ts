/** Every hint that points to the docs points to a heading that exists (issue 12). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/candor-bin.ts';
import { anchorsOf, docRefs, resolves, slug } from '../helpers/doc-anchors.ts';
import { parsePolicyVersion } from '../../src/core/policy/parse.ts';
import type { CandorError } from '../../src/core/errors.ts';

function sources(dir: string): string[] {
  return readdirSync(path.join(REPO, dir), { withFileTypes: true, recursive: true })
    .filter((d) => d.isFile() && /\.(ts|mjs|astro)$/.test(d.name))
    .map((d) => path.join(d.parentPath, d.name));
}

describe('hint anchors', () => {
  it('slugs headings as GitHub does', () => {
    expect(slug('publish.yml: heartbeat, build, deploy, notify')).toBe('publishyml-heartbeat-build-deploy-notify');
    expect(slug('Policy versions')).toBe('policy-versions');
    expect(anchorsOf('docs/content.md').has('reading-errors')).toBe(true);
  });

  it('every docs anchor written in src/ and scripts/ resolves to a heading', () => {
    const refs = [...sources('src'), ...sources('scripts')].flatMap((f) => docRefs(readFileSync(f, 'utf8')).map((ref) => ({ f: path.relative(REPO, f), ref })));
    expect(refs.length).toBeGreaterThan(10);
    expect(refs.filter((r) => !resolves(r.ref))).toEqual([]);
  });

  it('no hint points to content/policies/README.md or a source file', () => {
    const bad = sources('src').filter((f) => /hint[^\n]*(content\/policies\/README\.md|src\/[\w/-]+\.ts)/.test(readFileSync(f, 'utf8')));
    expect(bad.map((f) => path.relative(REPO, f))).toEqual([]);
  });

  it('a problem in the facts points to the facts section, one elsewhere in the front matter to the versions section', () => {
    const source = [
      '---',
      'title: Privacy',
      'version: 1',
      'effective: 2026-01-01',
      'change: material',
      'summary: First.',
      'facts:',
      '  cookies:',
      '    - setBy: us',
      '      purpose: sign-in',
      '      lifetime: session',
      '---',
      'Body.',
      '',
    ].join('\n');
    let caught: CandorError | undefined;
    try {
      parsePolicyVersion(source, 'policies/privacy/1.md');
    } catch (error) {
      caught = error as CandorError;
    }
    const all = [caught!, ...caught!.also].map((e) => [e.details.field, e.hint]);
    expect(all).toEqual([
      ['version', 'See docs/content.md#policy-versions.'],
      ['published', 'See docs/content.md#policy-versions.'],
      ['facts.cookies[0].name', 'See docs/content.md#policy-facts.'],
    ]);
    expect(resolves('docs/content.md#policy-facts')).toBe(true);
  });
});
