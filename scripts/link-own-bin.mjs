// npm links the bins of a project's dependencies into node_modules/.bin, never the
// project's own. This repository is Candor and also its own example operator repository
// (the demo service): its workflows put node_modules/.bin on PATH and run `candor …`, the
// same lines as an operator's (decision 0026). So `npm install` / `npm ci` (the prepare
// script) links the bin here as npm would link an installed Candor's. Plain JavaScript: npm
// may run it with an older Node. A package installed from the registry never runs prepare.
import { lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), '..');
const link = path.join(root, 'node_modules', '.bin', 'candor');
// Relative, as npm's own links are: a copy of node_modules/.bin elsewhere points at that copy's bin/.
const target = path.join('..', '..', 'bin', 'candor.mjs');
const current = (() => {
  try {
    return lstatSync(link).isSymbolicLink() ? readlinkSync(link) : 'not a link';
  } catch {
    return undefined;
  }
})();
if (current !== target) {
  mkdirSync(path.dirname(link), { recursive: true });
  if (current !== undefined) rmSync(link, { force: true });
  symlinkSync(target, link);
}
