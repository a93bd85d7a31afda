/**
 * Vitest global setup: tests work in throwaway copies, never in this repository's own demo
 * service. A test that leaves a file in content/ or keys/ (a generated key, a heartbeat)
 * would change what `npm start` publishes and could end up committed: the run fails and
 * names the files.
 */
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const repo = path.resolve(import.meta.dirname, '../..');
const GUARDED = ['content', 'keys'];

function status(): Set<string> {
  const out = execFileSync('git', ['status', '--porcelain', '--untracked-files=all', '--', ...GUARDED], { cwd: repo, encoding: 'utf8' });
  return new Set(out.split('\n').filter(Boolean));
}

export default function setup(): () => void {
  const before = status();
  return () => {
    const changed = [...status()].filter((line) => !before.has(line));
    if (changed.length > 0) throw new Error(`tests changed the demo service of this repository (content/, keys/):\n${changed.join('\n')}`);
  };
}
