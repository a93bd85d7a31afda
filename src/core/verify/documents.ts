/**
 * The documents an attestation lists are fetched from the site being verified only:
 * `<site>/documents/<path>`. A path is a relative path of plain names, so that no
 * listed document can point at another host, another folder or a local device file.
 */

/** Plain names: letters, digits, '.', '_' and '-', not starting with '.' (no "..", no hidden files). */
const SEGMENT = /^[A-Za-z0-9_][A-Za-z0-9._-]*$/;
const MAX_PATH = 255;

/** Why `path` may not be fetched, or undefined when it may. */
export function documentPathProblem(path: string): string | undefined {
  if (path.length > MAX_PATH) return `longer than ${MAX_PATH} characters`;
  if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(path) || path.startsWith('//')) return 'an absolute URL: documents come from the site being verified only';
  if (path.startsWith('/')) return 'an absolute path: expected a path relative to documents/';
  const bad = path.split('/').find((segment) => !SEGMENT.test(segment));
  return bad === undefined ? undefined : `${JSON.stringify(bad)} is not a plain file or folder name (letters, digits, '.', '_', '-'; not starting with '.')`;
}

/** The URL of a listed document under `where` (a URL ending in /), or null when the path may not be fetched. */
export function documentUrl(path: string, where: string): string | null {
  if (documentPathProblem(path)) return null;
  const url = new URL(path, where);
  // Belt and braces: a plain relative path always stays under `where`.
  return url.origin === new URL(where).origin && url.pathname.startsWith(new URL(where).pathname) ? url.toString() : null;
}
