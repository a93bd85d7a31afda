/** candor keys: generate (never unencrypted, never into keys/), import, list, rotate. */
import path from 'node:path';
import { readFile, readdir, stat, writeFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeKey } from '../helpers/world.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
beforeAll(async () => {
  p = await makeProject();
});
afterAll(async () => {
  await p.cleanup();
});

describe('candor keys', () => {
  it('generates an encrypted v4 key: private outside keys/, public inside', async () => {
    const out = path.join(p.secrets, 'new.asc');
    const result = await p.cli(['keys', 'generate', '--name', 'Dana', '--out', out, '--expires-days', '365']);
    expect(result.code, result.err).toBe(0);
    const key = await openpgp.readPrivateKey({ armoredKey: await readFile(out, 'utf8') });
    expect(key.isDecrypted()).toBe(false);
    expect(key.keyPacket.version).toBe(4);
    expect((await stat(out)).mode & 0o077).toBe(0);
    expect(await readdir(path.join(p.root, 'keys'))).toContain(`${key.getFingerprint().toUpperCase()}.asc`);
  });

  it('refuses to generate without a passphrase or into keys/', async () => {
    expect((await p.cli(['keys', 'generate', '--name', 'X', '--out', path.join(p.secrets, 'x.asc')], { env: { CANDOR_PASSPHRASE: '' } })).code).toBe(64);
    expect((await p.cli(['keys', 'generate', '--name', 'X', '--out', path.join(p.root, 'keys', 'x.asc')])).code).toBe(64);
  });

  it('imports a public key and refuses a private one', async () => {
    const extra = await makeKey('Extra');
    const pub = path.join(p.secrets, 'extra.pub.asc');
    await writeFile(pub, extra.publicArmored);
    expect((await p.cli(['keys', 'import', pub])).code).toBe(0);
    const priv = path.join(p.secrets, 'extra.priv.asc');
    await writeFile(priv, extra.privateArmored);
    const refused = await p.cli(['keys', 'import', priv]);
    expect(refused.code).toBe(65);
    expect(refused.err).toContain('PRIVATE_KEY_IN_REPO');
  });

  it('lists keys with roles and warns before expiry (exit 1)', async () => {
    const ok = await p.cli(['keys', 'list', '--json']);
    const rows = JSON.parse(ok.out) as { role: string; status: string }[];
    expect(rows.filter((r) => r.role === 'signer')).toHaveLength(3);
    const soon = await makeKey('Soon', { created: new Date('2023-07-01T00:00:00Z'), expiresInDays: 30 });
    await writeFile(path.join(p.root, 'keys', `${soon.ref.fingerprint}.asc`), soon.publicArmored);
    await p.writeConfig((c) => {
      (c['heartbeat'] as { keys: unknown[] }).keys = [soon.ref];
    });
    const warned = await p.cli(['keys', 'list', '--json']);
    expect(warned.code).toBe(1);
    expect(JSON.parse(warned.out).find((r: { fingerprint: string }) => r.fingerprint === soon.ref.fingerprint).status).toMatch(/^expires in/);
    const check = await p.cli(['check', '--json']);
    expect(JSON.parse(check.out).problems.map((x: { code: string }) => x.code)).toContain('KEY_EXPIRES_SOON');
    await p.writeConfig();
  });

  it('rotates: the new key is certified by the old one, the old one retired, and check accepts it', async () => {
    const next = await makeKey('Ada 2026');
    const pub = path.join(p.secrets, 'ada2.pub.asc');
    await writeFile(pub, next.publicArmored);
    const old = p.signers[0]!;
    const result = await p.cli(['keys', 'rotate', '--key', p.keyFile(old), '--new-key', pub, '--reason', 'Yearly rotation.']);
    expect(result.code, result.err).toBe(0);
    expect(await readdir(path.join(p.root, 'keys', 'retired'))).toContain(`${old.ref.fingerprint}.asc`);
    expect(await readFile(path.join(p.root, 'keys', 'retired', 'README.md'), 'utf8')).toContain(old.ref.fingerprint);
    await p.writeConfig((c) => {
      (c['signers'] as { keys: unknown[] }).keys = [next.ref, p.signers[1]!.ref, p.signers[2]!.ref];
      c['rotations'] = [{ retired: old.ref.fingerprint, replacement: next.ref.fingerprint, reason: 'Yearly rotation.' }];
    });
    const check = await p.cli(['check']);
    expect(check.code, check.out).toBe(0);
  });

  it('refuses a rotation whose new key is not certified by the old one (ROTATION_INVALID)', async () => {
    const stranger = await makeKey('Stranger');
    await writeFile(path.join(p.root, 'keys', `${stranger.ref.fingerprint}.asc`), stranger.publicArmored);
    await p.writeConfig((c) => {
      c['rotations'] = [{ retired: p.signers[1]!.ref.fingerprint, replacement: stranger.ref.fingerprint, reason: 'Not really.' }];
    });
    const check = await p.cli(['check']);
    expect(check.code).toBe(65);
    expect(check.out).toContain('ROTATION_INVALID');
  });
});
