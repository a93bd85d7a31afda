/**
 * The attack tests through the shipped CLI: `bin/candor.mjs verify …` in a child process,
 * on files written to a temp folder or a site served on 127.0.0.1 by a real HTTP server.
 */
import os from 'node:os';
import path from 'node:path';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { candor } from '../helpers/candor-bin.ts';
import type { FixtureRoute } from '../helpers/fixture-server.ts';
import type { TestKey, World } from '../helpers/world.ts';
import { NOW } from './verify.ts';

export interface CliVerdict {
  code: number;
  out: string;
  err: string;
  verdict: string | undefined;
  codes: string[];
}

/** candor verify ARGS --json --now NOW; the verdict and reason codes when it printed one. */
export async function verifyCli(args: string[], now: Date = NOW, env: NodeJS.ProcessEnv = {}): Promise<CliVerdict> {
  const r = await candor(['verify', ...args, '--json', '--now', now.toISOString()], { timeoutMs: 120_000, env });
  let json: { verdict?: string; reasons?: { code: string }[] } = {};
  try {
    json = JSON.parse(r.out) as typeof json;
  } catch {
    // No verdict: an error (its code is the exit code, its message on stderr).
  }
  return { ...r, verdict: json.verdict, codes: (json.reasons ?? []).map((x) => x.code) };
}

export interface Folder {
  dir: string;
  /** A file with this text, written into the folder. */
  write(name: string, text: string): Promise<string>;
  /** The public key file of `k` (one key), as a verifier saves it. */
  keyFile(k: TestKey): string;
  /** A folder with every public key of the world, like a copy of <site>/keys/. */
  keysDir: string;
  cleanup(): Promise<void>;
}

export async function folder(w: World): Promise<Folder> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'candor-attack-'));
  const keysDir = path.join(dir, 'keys');
  await mkdir(keysDir);
  for (const k of [...w.signers, w.ci, w.panic]) await writeFile(path.join(keysDir, `${k.ref.fingerprint}.asc`), k.publicArmored);
  return {
    dir,
    keysDir,
    async write(name, text) {
      const file = path.join(dir, name);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, text);
      return file;
    },
    keyFile: (k) => path.join(keysDir, `${k.ref.fingerprint}.asc`),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

/** --keys for each signer's key file, and the CI key file (key material for the heartbeat). */
export const signerKeyArgs = (w: World, f: Folder, signers = w.signers): string[] => [...signers, w.ci].flatMap((k) => ['--keys', f.keyFile(k)]);

/** The routes of a published site: canary, heartbeat, every key of the world, and documents. */
export function siteRoutes(w: World, files: { canary: string; heartbeat?: string; documents?: Record<string, string> }): Record<string, FixtureRoute> {
  const routes: Record<string, FixtureRoute> = { '/canary.txt': { body: files.canary } };
  if (files.heartbeat) routes['/heartbeat.txt'] = { body: files.heartbeat };
  for (const k of [...w.signers, w.ci, w.panic]) routes[`/keys/${k.ref.fingerprint}.asc`] = { body: k.publicArmored, contentType: 'application/pgp-keys' };
  for (const [p, body] of Object.entries(files.documents ?? {})) routes[`/documents/${p}`] = { body };
  return routes;
}

export const pinsArg = (w: World): string[] => ['--keys', w.pins.join(',')];
