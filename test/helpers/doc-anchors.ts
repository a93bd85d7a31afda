/** GitHub-style heading anchors of the docs, to prove that hints point somewhere real. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { REPO } from './candor-bin.ts';

/** GitHub's slug: lower case, punctuation dropped (but - and _), spaces to -. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

export function anchorsOf(file: string): Set<string> {
  const text = readFileSync(path.join(REPO, file), 'utf8').replace(/```[\s\S]*?```/g, '');
  const out = new Set<string>();
  const counts = new Map<string, number>();
  for (const m of text.matchAll(/^#{1,6}\s+(.+)$/gm)) {
    const base = slug(m[1]!);
    const n = counts.get(base) ?? 0;
    counts.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** Every `docs/x.md#anchor` or `README.md#anchor` in a text. */
export function docRefs(text: string): string[] {
  return [...text.matchAll(/\b((?:docs\/[\w-]+|README)\.md)#([\w-]+)/g)].map((m) => `${m[1]}#${m[2]}`);
}

export function resolves(ref: string): boolean {
  const [file, anchor] = ref.split('#') as [string, string];
  try {
    return anchorsOf(file).has(anchor);
  } catch {
    return false;
  }
}
