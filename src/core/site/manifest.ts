/**
 * /manifest.json: the SHA-256 of every file the site publishes, in canonical JSON, with
 * a detached signature (/manifest.json.asc) by the automation key (decision 0007). A
 * mirror, an archive or a monitor can check a whole copy of the site against it.
 */
import { canonicalJson } from '../canonical.ts';

export const MANIFEST_FORMAT = 'candor-manifest/1';
export const MANIFEST_PATH = 'manifest.json';
export const MANIFEST_SIGNATURE_PATH = 'manifest.json.asc';

export interface ManifestFile {
  /** The URL path from the site root, e.g. "/canary.txt", "/policies/privacy/index.html". */
  path: string;
  /** "sha256:" and 64 lower-case hex digits (as attestations name documents). */
  sha256: string;
  bytes: number;
}

export interface Manifest {
  format: typeof MANIFEST_FORMAT;
  service: { name: string; url: string };
  built: string;
  /** The signing key's fingerprint, or null when the site was built without one. */
  signer: string | null;
  files: ManifestFile[];
}

/** Whether a published path belongs in the manifest: everything but the manifest and its signature. */
export function inManifest(path: string): boolean {
  return path !== `/${MANIFEST_PATH}` && path !== `/${MANIFEST_SIGNATURE_PATH}`;
}

export function composeManifest(m: Omit<Manifest, 'format'>): string {
  const files = m.files.filter((f) => inManifest(f.path)).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return `${canonicalJson({ format: MANIFEST_FORMAT, service: m.service, built: m.built, signer: m.signer, files })}\n`;
}

export interface ManifestProblem {
  path: string;
  problem: 'missing' | 'changed' | 'unlisted';
}

/**
 * Compares a copy of the site with a manifest: files missing, changed, or present but not
 * listed. `copy` maps each path to its sha256 ("sha256:…").
 */
export function compareWithManifest(manifest: Manifest, copy: Map<string, string>): ManifestProblem[] {
  const problems: ManifestProblem[] = [];
  const listed = new Set<string>();
  for (const f of manifest.files) {
    listed.add(f.path);
    const actual = copy.get(f.path);
    if (actual === undefined) problems.push({ path: f.path, problem: 'missing' });
    else if (actual !== f.sha256) problems.push({ path: f.path, problem: 'changed' });
  }
  for (const p of copy.keys()) if (inManifest(p) && !listed.has(p)) problems.push({ path: p, problem: 'unlisted' });
  return problems;
}
