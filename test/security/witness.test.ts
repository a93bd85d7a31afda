/**
 * Attacks on witnessing: a forged cosignature (a witness that answers with a line under
 * its name that its key did not sign, or a real cosignature of another checkpoint), a
 * checkpoint whose witness quorum is not met once the forged line is set aside, hostile
 * witnesses (huge or hanging answers), a witness whose record was tampered with (it
 * refuses rather than trusting the log anew), an oversized request, and the witness key
 * kept out of everything it writes or prints. Witnesses are the shipped CLI or local
 * servers; nothing is mocked.
 */
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cosign, readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { addSignatures, COSIGNATURE_V1, formatSignerKey, formatVerifierKey, parseNote, signatureLine, signerFromSeed } from '../../src/core/tlog/note.ts';
import { cosignedNames, parsePolicy, quorumMet, type TlogPolicy } from '../../src/core/tlog/policy.ts';
import { formatAddCheckpoint } from '../../src/core/tlog/witness.ts';
import { witnessList } from '../../src/core/witness/config.ts';
import { findPrivateKeyMaterial } from '../../src/core/secret-scan.ts';
import { requestCosignatures } from '../../src/io/tlog/cosign.ts';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { serveWitness, staticSite, testLog, type ServedWitness, type StaticSite } from '../helpers/witness-site.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const w1 = signerFromSeed('w1.example', new Uint8Array(32).fill(21), COSIGNATURE_V1);
const w2 = signerFromSeed('w2.example', new Uint8Array(32).fill(22), COSIGNATURE_V1);
const w3 = signerFromSeed('w3.example', new Uint8Array(32).fill(23), COSIGNATURE_V1);
const mallory = signerFromSeed('w2.example', new Uint8Array(32).fill(66), COSIGNATURE_V1);
const T = 1_796_400_000;
const log = testLog(ORIGIN, 7);
const text = () => (parseNote(log.checkpoint()) as { text: string }).text;

let hostile: FixtureServer;
let dir: string;

/** A line under w2's name and key ID whose signature is Mallory's: the forgery a witness or a mirror could add. */
const forgedLine = () => {
  const real = cosign(text(), mallory, T);
  const body = Buffer.from(real.split(' ')[2]!, 'base64').subarray(4);
  return signatureLine(w2.name, w2.keyId, body);
};

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'candor-witness-sec-'));
  hostile = await startFixtureServer({
    '/forged/add-checkpoint': () => ({ body: `${forgedLine()}\n` }),
    '/replayed/add-checkpoint': () => ({ body: `${cosign(testLog(ORIGIN, 6).checkpoint().split('\n\n')[0]! + '\n', w2, T)}\n` }),
    '/other-key/add-checkpoint': () => ({ body: `${cosign(text(), w3, T)}\n` }),
    '/huge/add-checkpoint': { body: '— '.padEnd(200_000, 'A') },
    '/hang/add-checkpoint': { body: '', delayMs: 10_000 },
    '/honest/add-checkpoint': () => ({ body: `${cosign(text(), w1, T)}\n` }),
    '/ahead/add-checkpoint': { status: 409, body: '100\n', contentType: 'text/x.tlog.size' },
    '/garbled/add-checkpoint': { status: 409, body: 'try 3 maybe\n' },
  });
});
afterAll(async () => {
  await hostile?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

function policy(quorum: string): TlogPolicy {
  const p = parsePolicy([`log ${formatVerifierKey(log.key)}`, ...[w1, w2, w3].map((w, i) => `witness w${i + 1} ${formatVerifierKey(w)}`), quorum].join('\n'));
  if (Array.isArray(p)) throw new Error(JSON.stringify(p));
  return p;
}

const entry = (name: string, key: typeof w1, route: string) => ({ name, key: formatVerifierKey(key), url: `${hostile.url}/${route}` });

describe('forged cosignature', () => {
  it('a witness answering a line its key did not sign, or a cosignature of another checkpoint, is reported invalid and nothing of it attached', async () => {
    for (const route of ['forged', 'replayed', 'other-key']) {
      const result = await requestCosignatures({
        checkpoint: log.checkpoint(),
        previousSize: 0,
        read: log.tree.read,
        witnesses: witnessList.parse([entry('w2', w2, route)]),
        timeoutMs: 3_000,
      });
      expect(result.witnesses.map((w) => [w.status, w.http])).toEqual([['invalid', 200]]);
      expect(result.checkpoint).toBe(log.checkpoint());
      expect(result.cosigners).toEqual([]);
    }
  });

  it('a forged line on a published checkpoint is a failure of that witness, never one of its cosignatures', () => {
    const note = parseNote(log.checkpoint());
    if (typeof note === 'string') throw new Error(note);
    const published = addSignatures(note, [cosign(note.text, w1, T), forgedLine()]);
    const read = readCosignatures(published, [w1, w2, w3]);
    if (typeof read === 'string') throw new Error(read);
    expect(read.cosignatures.map((c) => c.witness.name)).toEqual(['w1.example']);
    expect(read.failed.map((f) => [f.witness.name, f.problem])).toEqual([['w2.example', 'bad-signature']]);
  });
});

describe('witness quorum not met', () => {
  it('one honest cosignature and one forged: 2 of 3 is not met, 1 of 3 is', async () => {
    const result = await requestCosignatures({
      checkpoint: log.checkpoint(),
      previousSize: 0,
      read: log.tree.read,
      witnesses: witnessList.parse([entry('w1', w1, 'honest'), entry('w2', w2, 'forged'), entry('w3', w3, 'hang')]),
      timeoutMs: 1_000,
    });
    expect(result.witnesses.map((w) => w.status)).toEqual(['cosigned', 'invalid', 'offline']);
    const names = cosignedNames(policy('quorum w1'), result.cosigners);
    expect(quorumMet(policy('group two 2 w1 w2 w3\nquorum two'), names)).toBe(false);
    expect(quorumMet(policy('group one 1 w1 w2 w3\nquorum one'), names)).toBe(true);
    // What a verifier reads from the published checkpoint says the same.
    const read = readCosignatures(result.checkpoint, [w1, w2, w3]);
    if (typeof read === 'string') throw new Error(read);
    expect(
      quorumMet(
        policy('group two 2 w1 w2 w3\nquorum two'),
        cosignedNames(
          policy('quorum w1'),
          read.cosignatures.map((c) => c.witness),
        ),
      ),
    ).toBe(false);
  });
});

describe('hostile witnesses', () => {
  it('a huge answer is invalid, a hanging one offline within the timeout; the others still count', async () => {
    const result = await requestCosignatures({
      checkpoint: log.checkpoint(),
      previousSize: 0,
      read: log.tree.read,
      witnesses: witnessList.parse([entry('w2', w2, 'huge'), entry('w3', w3, 'hang'), entry('w1', w1, 'honest')]),
      timeoutMs: 1_000,
    });
    expect(result.witnesses.map((w) => w.status)).toEqual(['invalid', 'offline', 'cosigned']);
  });

  it('a witness claiming a larger tree than the checkpoint is a refusal (a rollback to it), a 409 without a size invalid; neither is asked again', async () => {
    hostile.hits.length = 0;
    const result = await requestCosignatures({
      checkpoint: log.checkpoint(),
      previousSize: 0,
      read: log.tree.read,
      witnesses: witnessList.parse([entry('w1', w1, 'ahead'), entry('w2', w2, 'garbled')]),
      timeoutMs: 1_000,
    });
    expect(result.witnesses.map((w) => [w.status, w.message])).toEqual([
      ['refused', expect.stringMatching(/a larger tree \(100\).*rollback/)],
      ['invalid', 'a 409 without the size it cosigned'],
    ]);
    expect(hostile.hits.sort()).toEqual(['/ahead/add-checkpoint', '/garbled/add-checkpoint']);
  });
});

describe("the witness's own state and key", () => {
  let state: string;
  let witness: ServedWitness | undefined;
  let site: StaticSite;
  const key = formatSignerKey(w1);

  beforeAll(async () => {
    state = path.join(dir, 'state');
    await mkdir(state, { recursive: true });
    await writeFile(path.join(state, 'witness.yml'), `logs:\n  - origin: ${ORIGIN}\n    key: "${formatVerifierKey(log.key)}"\n`);
    site = await staticSite();
  });
  afterAll(async () => {
    await witness?.stop();
    await site?.close();
  });

  it('a tampered record is refused (check: WITNESS_STATE_INVALID, exit 65), never taken as "never cosigned"', async () => {
    site.publish(log.files());
    const out = path.join(dir, 'out');
    const run = () => candor(['witness', 'check', site.url, '--state', state, '--out', out], { env: { CANDOR_WITNESS_KEY: key } });
    expect((await run()).code).toBe(0);
    const file = path.join(state, 'logs', `${encodeURIComponent(ORIGIN)}.json`);
    await writeFile(file, (await readFile(file, 'utf8')).replace('"size": 7', '"size": "7"'));
    const r = await run();
    expect([r.code, r.err]).toEqual([65, expect.stringMatching(/^error WITNESS_STATE_INVALID: /m)]);
  });

  it('serve answers 503 on a tampered record, 413 to an oversized request, and never prints or writes its key', async () => {
    witness = await serveWitness(state, key);
    const body = formatAddCheckpoint({ oldSize: 7, proof: [], checkpoint: log.checkpoint() });
    expect((await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body })).status).toBe(503);
    expect((await fetch(`${witness.url}/add-checkpoint`, { method: 'POST', body: 'x'.repeat(100_000) })).status).toBe(413);
    expect(witness.log()).not.toContain('PRIVATE+KEY');
    const written = await readdir(dir, { recursive: true, withFileTypes: true });
    for (const f of written.filter((e) => e.isFile())) {
      const bytes = await readFile(path.join(f.parentPath, f.name));
      expect(await findPrivateKeyMaterial(new Uint8Array(bytes)), f.name).toBeNull();
    }
    expect(await findPrivateKeyMaterial(new TextEncoder().encode(key))).toBe('signed-note');
  });
});
