/** `candor witness init DIR`: witness-state/witness.yml, the workflow and a package.json, never over a file that is there. */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError } from '../../core/errors.ts';
import { pinnedUse } from '../../core/watch/init.ts';
import { WITNESS_CONFIG_TEMPLATE, WITNESS_STATE_DIR, witnessWorkflow } from '../../core/witness/init.ts';
import { exists, writeFileAtomic } from '../files.ts';
import { PACKAGE_ROOT } from '../package-root.ts';
import { CONFIG_FILE } from './state.ts';

export async function initWitnessRepo(dir: string, version: string): Promise<string[]> {
  const publish = await readFile(path.join(PACKAGE_ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
  const checkout = pinnedUse(publish, 'actions/checkout');
  const setupNode = pinnedUse(publish, 'actions/setup-node');
  if (!checkout || !setupNode) throw new Error('the shipped publish.yml pins no actions/checkout or actions/setup-node');
  const files: [string, string][] = [
    [path.join(WITNESS_STATE_DIR, CONFIG_FILE), WITNESS_CONFIG_TEMPLATE],
    [path.join('.github', 'workflows', 'witness.yml'), witnessWorkflow({ checkout, setupNode })],
  ];
  if (!(await exists(path.join(dir, 'package.json'))))
    files.push(['package.json', `${JSON.stringify({ private: true, dependencies: { candor: `^${version}` } }, null, 2)}\n`]);
  const present: string[] = [];
  for (const [name] of files.slice(0, 2)) if (await exists(path.join(dir, name))) present.push(name);
  if (present.length > 0)
    throw new UsageError('INIT_TARGET_NOT_EMPTY', 'the witness files are already there', {
      file: dir,
      expected: `a folder without ${files[0]![0]} and ${files[1]![0]}`,
      received: present.join(', '),
      hint: 'Edit the files that are there, or pick another folder. See docs/witness.md#a-witness-repository.',
    });
  for (const [name, text] of files) await writeFileAtomic(path.join(dir, name), text);
  return files.map(([name]) => name);
}
