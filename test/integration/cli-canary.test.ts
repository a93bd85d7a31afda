/**
 * The operator's routine end to end through the CLI: prepare, sign (key file and a
 * merged gpg-style detached signature), publish, heartbeat with a real (local) proof
 * of freshness, then verify as a reader would, with state and the whole archive.
 */
import path from 'node:path';
import { readFile, readdir, writeFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startExplorers } from '../helpers/explorers.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

let p: TestProject;
let explorers: Awaited<ReturnType<typeof startExplorers>>;

beforeAll(async () => {
  explorers = await startExplorers();
  p = await makeProject({ explorers: explorers.sources });
});
afterAll(async () => {
  await explorers.close();
  await p.cleanup();
});

const archive = (name: string) => path.join(p.root, 'content', 'canary', 'archive', name);

/** A detached text-mode signature, as `gpg --textmode --detach-sign` makes it. */
async function detachedSignature(text: string, armoredKey: string): Promise<string> {
  const key = await openpgp.decryptKey({ privateKey: await openpgp.readPrivateKey({ armoredKey }), passphrase: 'correct horse battery staple' });
  return openpgp.sign({ message: await openpgp.createMessage({ text }), signingKeys: key, detached: true, date: new Date('2023-07-24T06:00:00Z') });
}

describe('candor canary (operator routine)', () => {
  it('prepares, signs with a key file and a detached signature, and publishes', async () => {
    expect((await p.cli(['canary', 'attest', 'prepare'])).code).toBe(0);
    const text = await readFile(path.join(p.root, 'content/canary/pending/attestation.txt'), 'utf8');
    expect((await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.signers[0]!)])).code).toBe(0);
    const sig = path.join(p.secrets, 'bruno.sig');
    await writeFile(sig, await detachedSignature(text, p.signers[1]!.privateArmored));
    expect((await p.cli(['canary', 'attest', 'add-signature', sig])).code).toBe(0);
    const published = await p.cli(['canary', 'attest', 'publish']);
    expect(published.code, published.err).toBe(0);
    expect(await readdir(path.join(p.root, 'content/canary/archive'))).toEqual(['attestation-000001.txt']);
  });

  it('issues a heartbeat with a Bitcoin block agreed by two explorers', async () => {
    const result = await p.cli(['canary', 'heartbeat', '--key', p.keyFile(p.ci)]);
    expect(result.code, result.err).toBe(0);
    const heartbeat = await readFile(archive('heartbeat-000001.txt'), 'utf8');
    expect(heartbeat).toContain('00000000000000000002a7c4c1e48d76c5a37902165a270156b7a8d72728a054');
    expect(explorers.servers.every((s) => s.hits.includes('/api/block-height/800000'))).toBe(true);
  });

  it('skips a heartbeat that is not due, and issues the next one when it is', async () => {
    const early = await p.cli(['canary', 'heartbeat', '--if-due', '--key', p.keyFile(p.ci)], { now: '2023-07-24T12:00:00Z' });
    expect(early.code).toBe(0);
    await expect(readFile(archive('heartbeat-000002.txt'))).rejects.toThrow();
    const due = await p.cli(['canary', 'heartbeat', '--if-due', '--key', p.keyFile(p.ci)], { now: '2023-07-25T05:30:00Z' });
    expect(due.code, due.err).toBe(0);
    expect(await readFile(archive('heartbeat-000002.txt'), 'utf8')).toContain('HEARTBEAT 2');
  });

  /** The keys folder as key material, and the signers pinned by fingerprint: what a verifier gives (decision 0009). */
  const pinned = () => ['--keyring', path.join(p.root, 'keys'), '--keys', p.signers.map((s) => s.ref.fingerprint).join(',')];

  it('a keys folder given as pins is refused: it holds the CI key too (exit 64)', async () => {
    const result = await p.cli(['verify', archive('attestation-000001.txt'), '--keys', path.join(p.root, 'keys')], { now: '2023-07-25T06:00:00Z' });
    expect(result.code).toBe(64);
    expect(result.err).toContain('error USAGE');
    expect(result.err).toContain('--keyring');
  });

  it('verifies the published files: alive (exit 0), then stale once the heartbeat expires (exit 2)', async () => {
    const args = ['verify', archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000002.txt'), ...pinned(), '--json'];
    const alive = await p.cli(args, { now: '2023-07-25T06:00:00Z' });
    expect(alive.code, alive.out).toBe(0);
    expect(JSON.parse(alive.out).verdict).toBe('alive');
    const stale = await p.cli(args, { now: '2023-07-28T06:00:00Z' });
    expect(stale.code).toBe(2);
    expect(JSON.parse(stale.out).reasons.map((r: { code: string }) => r.code)).toContain('HEARTBEAT_EXPIRED');
  });

  it('checks the whole archive and the content with candor check', async () => {
    const result = await p.cli(['verify', '--archive', path.join(p.root, 'content/canary/archive'), ...pinned()], { now: '2023-07-25T06:00:00Z' });
    expect(result.code, result.out).toBe(0);
    expect((await p.cli(['check'], { now: '2023-07-25T06:00:00Z' })).code).toBe(0);
  });

  it('remembers the last canary in a state file and catches a replayed older one', async () => {
    const state = path.join(p.secrets, 'state.json');
    const keys = [...pinned(), '--state', state];
    const first = await p.cli(['verify', archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000002.txt'), ...keys], {
      now: '2023-07-25T06:00:00Z',
    });
    expect(first.code, first.out).toBe(0);
    const replay = await p.cli(['verify', archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000001.txt'), ...keys, '--json'], {
      now: '2023-07-25T06:00:00Z',
    });
    expect(replay.code).toBe(3);
    expect(JSON.parse(replay.out).reasons.map((r: { code: string }) => r.code)).toContain('SEQUENCE_NOT_INCREASING');
  });
  it("refuses to sign with a key outside the signer policy (SIGNER_NOT_IN_POLICY), naming the policy's keys", async () => {
    expect((await p.cli(['canary', 'attest', 'prepare'], { now: '2023-07-25T06:00:00Z' })).code).toBe(0);
    const refused = await p.cli(['canary', 'attest', 'sign', '--key', p.keyFile(p.ci)], { now: '2023-07-25T06:00:00Z' });
    expect(refused.code).toBe(65);
    expect(refused.err).toMatch(/^error SIGNER_NOT_IN_POLICY: content\/canary\/canary.yml: signers.keys: /);
    for (const s of p.signers) expect(refused.err).toContain(s.ref.fingerprint);
    expect(refused.out).not.toContain('Signed by');
    await expect(readFile(path.join(p.root, 'content/canary/pending/attestation.signed.txt'))).rejects.toThrow();
  });
});
