/**
 * candor check refuses private key material in any file git would publish, whatever its
 * name or folder, and only there (an ignored file is not published); each file once.
 */
import path from 'node:path';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { runOk } from '../helpers/tools.ts';

const exec = promisify(execFile);
let p: TestProject;

async function put(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(path.join(p.root, file)), { recursive: true });
  await writeFile(path.join(p.root, file), data);
}

async function problems(): Promise<{ code: number; found: string[] }> {
  const r = await p.cli(['check', '--json']);
  const list = (JSON.parse(r.out) as { problems: { code: string; message: string }[] }).problems;
  return {
    code: r.code,
    found: list
      .filter((x) => x.code === 'PRIVATE_KEY_IN_REPO')
      .map((x) => x.message.split(':')[0]!)
      .sort(),
  };
}

beforeAll(async () => {
  p = await makeProject();
  await exec('git', ['init', '-q', '-b', 'main', p.root]);
});
afterAll(async () => {
  await p.cleanup();
});

describe('candor check: private keys anywhere in the repository', () => {
  it('a clean repository passes, with source that merely names the armor header', async () => {
    await put('scripts/detect.ts', "export const header = /-----BEGIN PGP PRIVATE KEY BLOCK-----/;\nexport const pem = '-----BEGIN PRIVATE KEY-----';\n");
    await put('content/canary/ada.pub.asc', p.signers[0]!.publicArmored);
    expect((await problems()).found).toEqual([]);
  });

  it('finds armored, binary, PEM and OpenSSH private keys under any name, and skips ignored files', async () => {
    const ci = await readFile(p.keyFile(p.ci), 'utf8');
    await put('keys/notes.txt', `Our CI key, for safekeeping:\n\n${ci}`);
    await put('content/canary/ci.asc', ci);
    await put('content/backup.gpg', (await openpgp.readPrivateKey({ armoredKey: ci })).write());
    await put('deploy/tls.key', generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }));
    await runOk('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'deploy', '-f', path.join(p.root, 'deploy', 'id_ed25519')]);
    await put('.gitignore', 'private/\n');
    await put('private/ci.asc', ci);
    const { code, found } = await problems();
    expect(code).toBe(65);
    expect(found).toEqual(['content/backup.gpg', 'content/canary/ci.asc', 'deploy/id_ed25519', 'deploy/tls.key', 'keys/notes.txt']);
  });

  it('a private key in keys/ is reported once, by the key folder check', async () => {
    await put(`keys/${p.ci.ref.fingerprint}.asc`, await readFile(p.keyFile(p.ci), 'utf8'));
    const r = await p.cli(['check']);
    expect(r.code).toBe(65);
    expect(r.out.split('\n').filter((l) => l.includes(`keys/${p.ci.ref.fingerprint}.asc`))).toHaveLength(1);
    expect(r.out).not.toContain('BEGIN PGP PRIVATE');
  });
});
