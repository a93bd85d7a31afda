/**
 * The log's side of witnessing as the publish step calls it (cosignFromLogDir): tiles read
 * from the log folder on disk, two witnesses run as shipped (`candor witness serve`), the
 * checkpoint returned with both cosignatures, the second round proved from the folder's
 * tiles; an offline witness reported, not fatal.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { COSIGNATURE_V1, formatSignerKey, formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';
import { witnessList, type WitnessEntry } from '../../src/core/witness/config.ts';
import { cosignFromLogDir, describeCosignatures } from '../../src/io/tlog/cosign.ts';
import { freePort, serveWitness, testLog, type ServedWitness } from '../helpers/witness-site.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const keys = [1, 2].map((n) => signerFromSeed(`w${n}.example`, new Uint8Array(32).fill(40 + n), COSIGNATURE_V1));
let dir: string;
let served: ServedWitness[] = [];
let list: WitnessEntry[];

async function writeLog(size: number): Promise<{ dir: string; checkpoint: string }> {
  const log = testLog(ORIGIN, size);
  const logDir = path.join(dir, 'content', 'canary', 'log');
  for (const [file, bytes] of log.files()) {
    await mkdir(path.dirname(path.join(logDir, file)), { recursive: true });
    await writeFile(path.join(logDir, file), bytes);
  }
  return { dir: logDir, checkpoint: log.checkpoint() };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'candor-cosign-'));
  served = await Promise.all(
    keys.map(async (k, i) => {
      const state = path.join(dir, `w${i + 1}`);
      await mkdir(state, { recursive: true });
      await writeFile(path.join(state, 'witness.yml'), `logs:\n  - origin: ${ORIGIN}\n    key: "${formatVerifierKey(testLog(ORIGIN, 0).key)}"\n`);
      return serveWitness(state, formatSignerKey(k));
    }),
  );
  list = witnessList.parse([
    ...served.map((s, i) => ({ name: `w${i + 1}`, key: formatVerifierKey(keys[i]!), url: s.url })),
    {
      name: 'w3',
      key: formatVerifierKey(signerFromSeed('w3.example', new Uint8Array(32).fill(43), COSIGNATURE_V1)),
      url: `http://127.0.0.1:${await freePort()}`,
    },
  ]);
}, 60_000);
afterAll(async () => {
  await Promise.all(served.map((s) => s.stop()));
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('cosignFromLogDir', () => {
  it('collects both cosignatures at 40 entries, then at 600 from the tiles on disk; w3 offline each time', async () => {
    for (const [previous, size] of [
      [0, 40],
      [40, 600],
    ] as const) {
      const log = await writeLog(size);
      const result = await cosignFromLogDir(log.dir, log.checkpoint, previous, list, { timeoutMs: 5_000 });
      expect(result.witnesses.map((w) => w.status)).toEqual(['cosigned', 'cosigned', 'offline']);
      expect(result.checkpoint.startsWith(log.checkpoint)).toBe(true);
      const read = readCosignatures(result.checkpoint, keys);
      expect(typeof read === 'string' ? read : read.cosignatures.length).toBe(2);
      expect(describeCosignatures(result)[2]).toMatch(/^w3 \(http:\/\/127\.0\.0\.1:\d+\/add-checkpoint\): offline — /);
    }
  });

  it('asked again about the same checkpoint (a publish run without new entries), each witness keeps one line', async () => {
    const log = await writeLog(600);
    const first = await cosignFromLogDir(log.dir, log.checkpoint, 600, list, { timeoutMs: 5_000 });
    const again = await cosignFromLogDir(log.dir, first.checkpoint, 600, list, { timeoutMs: 5_000 });
    expect(again.witnesses.map((w) => w.status)).toEqual(['cosigned', 'cosigned', 'offline']);
    expect(again.checkpoint.split('\n').filter((l) => l.startsWith('— '))).toHaveLength(3);
    expect(again.checkpoint.startsWith(log.checkpoint)).toBe(true);
  });
});
