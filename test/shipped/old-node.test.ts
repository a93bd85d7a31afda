/**
 * The system Node of our machines (20) cannot run candor: it must refuse in our words with
 * exit 69, not crash on TypeScript syntax. The minimum comes from package.json's `engines`,
 * the one place npm also reads.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CANDOR_BIN, REPO, cleanEnv } from '../helpers/candor-bin.ts';

const OLD_NODE = '/usr/bin/node';
const engines = (JSON.parse(readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { engines: { node: string } }).engines;

describe('an old Node', () => {
  it('package.json declares the minimum as >=MAJOR.MINOR (the form bin/candor.mjs reads)', () => {
    expect(engines.node).toMatch(/^>=\d+\.\d+$/);
  });

  it('the system Node is refused with NODE_TOO_OLD, exit 69 and a hint', () => {
    const version = execFileSync(OLD_NODE, ['--version'], { encoding: 'utf8' }).trim();
    expect(version).toMatch(/^v20\./);
    const r = spawnSync(OLD_NODE, [CANDOR_BIN, '--version'], { encoding: 'utf8', env: cleanEnv() });
    expect(r.status).toBe(69);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      `error NODE_TOO_OLD: candor needs Node ${engines.node.slice(2)} or later (it runs TypeScript directly); this is Node ${version.slice(1)}.\n  hint: run it as \`npx candor\` in a project that depends on the npm package \`node\` (this repository does), or install Node 24.\n`,
    );
  });
});
