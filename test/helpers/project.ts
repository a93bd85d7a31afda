/**
 * A throwaway operator repository (content/, keys/) in a temp folder, with real keys
 * whose encrypted private halves live in a separate temp folder, and the shipped CLI
 * (bin/candor.mjs in a child process, test/helpers/candor-bin.ts).
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { candor } from './candor-bin.ts';
import { makeKey, STATEMENTS, type TestKey } from './world.ts';

export const PASSPHRASE = 'correct horse battery staple';
/** Block 800000 of the recorded explorer fixtures was mined 2023-07-24T03:17:09Z. */
export const NOW = '2023-07-24T06:00:00Z';

/** Port 1 on loopback refuses connections: tests that need no explorer still have a valid config. */
const NO_EXPLORERS = [
  { name: 'none-1', kind: 'esplora', url: 'http://127.0.0.1:1/api' },
  { name: 'none-2', kind: 'esplora', url: 'http://127.0.0.1:1/api2' },
];

export interface TestProject {
  root: string;
  secrets: string;
  signers: TestKey[];
  ci: TestKey;
  keyFile(k: TestKey): string;
  cli(args: string[], opts?: { now?: string; env?: NodeJS.ProcessEnv }): Promise<{ code: number; out: string; err: string }>;
  writeConfig(patch?: (config: Record<string, unknown>) => void): Promise<void>;
  cleanup(): Promise<void>;
}

export function baseConfig(signers: TestKey[], ci: TestKey, explorers: { name: string; kind: string; url: string }[]): Record<string, unknown> {
  return {
    signers: { threshold: 2, keys: signers.map((s) => s.ref) },
    heartbeat: { keys: [ci.ref], intervalHours: 24, graceHours: 24 },
    cadence: { attestationLifetimeDays: 60, maxAttestationLifetimeDays: 90, warnDays: 14 },
    freshness: { required: true, bitcoin: { depth: 10, minSources: 2, maxBlockAgeHours: 48, sources: explorers } },
    panicKeys: [],
    rotations: [],
    documents: ['service.yml'],
  };
}

export async function makeProject(opts: { explorers?: { name: string; kind: string; url: string }[] } = {}): Promise<TestProject> {
  const root = await mkdtemp(path.join(os.tmpdir(), 'candor-project-'));
  const secrets = await mkdtemp(path.join(os.tmpdir(), 'candor-secrets-'));
  const created = new Date('2023-01-01T00:00:00Z');
  const signers = await Promise.all(['Ada', 'Bruno', 'Chloe'].map((n) => makeKey(n, { created, passphrase: PASSPHRASE })));
  const ci = await makeKey('CI', { created, passphrase: PASSPHRASE });
  await mkdir(path.join(root, 'content', 'canary'), { recursive: true });
  await mkdir(path.join(root, 'keys'), { recursive: true });
  for (const k of [...signers, ci]) {
    await writeFile(path.join(root, 'keys', `${k.ref.fingerprint}.asc`), k.publicArmored);
    await writeFile(path.join(secrets, `${k.ref.name}.asc`), k.privateArmored, { mode: 0o600 });
  }
  await writeFile(path.join(root, 'content', 'service.yml'), stringify({ name: 'Test Mail', url: 'https://test-mail.example' }));
  await writeFile(path.join(root, 'content', 'canary', 'statements.yml'), stringify({ statements: STATEMENTS }));
  const project: TestProject = {
    root,
    secrets,
    signers,
    ci,
    keyFile: (k) => path.join(secrets, `${k.ref.name}.asc`),
    cli: (args, o = {}) => candor(['--root', root, '--now', o.now ?? NOW, ...args], { cwd: root, env: { CANDOR_PASSPHRASE: PASSPHRASE, ...o.env } }),
    async writeConfig(patch) {
      const config = baseConfig(signers, ci, opts.explorers ?? NO_EXPLORERS);
      patch?.(config);
      await writeFile(path.join(root, 'content', 'canary', 'canary.yml'), stringify(config));
    },
    async cleanup() {
      await rm(root, { recursive: true, force: true });
      await rm(secrets, { recursive: true, force: true });
    },
  };
  await project.writeConfig();
  return project;
}
