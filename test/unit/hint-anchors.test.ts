/** Every hint that points to the docs points to a heading that exists (issue 12). */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO } from '../helpers/candor-bin.ts';
import { anchorsOf, docRefs, resolves, slug } from '../helpers/doc-anchors.ts';

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
});
