/**
 * The folder of Candor's own package (package.json, astro.config.mjs, src/site/): this
 * checkout, or node_modules/candor in an operator's repository. This file runs as
 * src/io/package-root.ts from source, or as lib/src/io/package-root.js emitted by `tsc`
 * at `npm pack` (decision 0020), one folder deeper.
 */
import path from 'node:path';

export const PACKAGE_ROOT = path.resolve(import.meta.dirname, import.meta.filename.endsWith('.js') ? '../../..' : '../..');

/** Candor's own package.json fields this runtime needs. */
export interface PackageInfo {
  name: string;
  version: string;
}
