/**
 * A worker thread of src/io/ed25519-pool.ts: Ed25519 checks in batches, nothing else,
 * so that it starts in a few milliseconds and needs no copy of the verifier.
 * A batch is packed as in the pool: key (32), signature (64), message length (1), message (64).
 */
import { parentPort } from 'node:worker_threads';
import { nodeCrypto } from './node-crypto.ts';

const ITEM = 161;

parentPort!.on('message', ({ id, items }: { id: number; items: Uint8Array }) => {
  const answers = new Uint8Array(items.length / ITEM);
  for (let i = 0; i < answers.length; i++) {
    const at = i * ITEM;
    const length = items[at + 96]!;
    answers[i] = nodeCrypto.verifyEd25519(items.subarray(at, at + 32), items.subarray(at + 97, at + 97 + length), items.subarray(at + 32, at + 96)) ? 1 : 0;
  }
  parentPort!.postMessage({ id, answers }, [answers.buffer]);
});
