/**
 * Ed25519 on a worker thread, for archives: the one step of checking a heartbeat that
 * is pure computation (about half its cost), so that on two cores it runs beside the
 * main thread's reading, parsing and key checks (verifyArchive reads many documents at
 * a time for this: `lanes`). Checks go to the worker in batches of tightly packed bytes.
 * Whenever the worker is not ready, has failed or is behind, this thread checks the
 * signature itself: a busy machine loses nothing but the worker's start-up.
 */
import { Worker } from 'node:worker_threads';
import type { FastCrypto } from '../core/pgp/fast-crypto.ts';
import { nodeCrypto } from './node-crypto.ts';

/** Bytes per check, as ed25519-worker.ts unpacks them: key (32), signature (64), message length (1), message (64). */
const ITEM = 161;
const BATCH = 16;
/** Checks handed to the worker and not answered yet, beyond which this thread checks them itself. */
const BEHIND = 6 * BATCH;
/** Below this many documents, starting a thread costs more than it saves. */
export const MIN_DOCUMENTS = 400;
/** Documents verifyArchive reads at a time with a pool: enough to keep the worker fed. */
export const LANES = 8 * BATCH;

// Beside this file, with the same extension (the source runs as it is: decision 0008).
const WORKER_URL = new URL(`./ed25519-worker${import.meta.url.slice(import.meta.url.lastIndexOf('.'))}`, import.meta.url);

interface Pending {
  args: [Uint8Array, Uint8Array, Uint8Array];
  resolve: (ok: boolean) => void;
}

export class Ed25519Pool implements FastCrypto {
  readonly #worker = new Worker(WORKER_URL);
  readonly #sent = new Map<number, Pending[]>();
  #queue: Pending[] = [];
  #inFlight = 0;
  #next = 0;
  #ready = false;
  #dead = false;
  #flushing = false;
  #unready = 0;
  /** How many checks the worker made (tests, bench). */
  onWorker = 0;
  /** Resolves when the worker answers (or has failed): checks go to it from then on. */
  readonly ready: Promise<void>;

  constructor() {
    // Ready once the worker answers a first check (it has loaded its code), or has failed.
    this.ready = new Promise((resolve) => {
      this.#worker.once('message', () => {
        this.#ready = true;
        resolve();
      });
      this.#worker.once('exit', () => resolve());
    });
    this.#sent.set(-1, []);
    this.#worker.postMessage({ id: -1, items: new Uint8Array(0) });
    this.#worker.on('message', ({ id, answers }: { id: number; answers: Uint8Array }) => this.#answer(id, answers));
    // A failed worker's checks are made here, and every later one too.
    const die = () => {
      this.#dead = true;
      for (const [id, batch] of this.#sent)
        this.#answer(
          id,
          Uint8Array.from(batch, (p) => (nodeCrypto.verifyEd25519(...p.args) ? 1 : 0)),
        );
    };
    this.#worker.on('error', die);
    this.#worker.on('exit', die);
  }

  digest = (...args: Parameters<typeof nodeCrypto.digest>) => nodeCrypto.digest(...args);

  verifyEd25519(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): boolean | Promise<boolean> {
    if (this.#dead || publicKey.length !== 32 || signature.length !== 64 || message.length > 64) return nodeCrypto.verifyEd25519(publicKey, message, signature);
    if (this.#ready && this.#inFlight < BEHIND) return this.#send(publicKey, message, signature);
    // The worker's start and answers are only seen when this thread yields: now and then
    // (while it starts) or at once (when it is behind), yield, then send or check here.
    if (!this.#ready && ++this.#unready % BATCH !== 0) return nodeCrypto.verifyEd25519(publicKey, message, signature);
    return new Promise((resolve) =>
      setImmediate(() =>
        resolve(this.#ready && this.#inFlight < BEHIND ? this.#send(publicKey, message, signature) : nodeCrypto.verifyEd25519(publicKey, message, signature)),
      ),
    );
  }

  #send(publicKey: Uint8Array, message: Uint8Array, signature: Uint8Array): Promise<boolean> {
    this.#inFlight++;
    return new Promise((resolve) => {
      this.#queue.push({ args: [publicKey, message, signature], resolve });
      if (this.#queue.length >= BATCH) this.#flush();
      else if (!this.#flushing) {
        // The rest goes when this thread has nothing else to do.
        this.#flushing = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#flushing = false;
    const batch = this.#queue;
    if (batch.length === 0) return;
    this.#queue = [];
    const id = this.#next++;
    this.#sent.set(id, batch);
    if (this.#dead)
      return this.#answer(
        id,
        Uint8Array.from(batch, (p) => (nodeCrypto.verifyEd25519(...p.args) ? 1 : 0)),
      );
    const items = new Uint8Array(batch.length * ITEM);
    batch.forEach(({ args: [key, message, signature] }, i) => {
      items.set(key, i * ITEM);
      items.set(signature, i * ITEM + 32);
      items[i * ITEM + 96] = message.length;
      items.set(message, i * ITEM + 97);
    });
    this.#worker.postMessage({ id, items }, [items.buffer]);
  }

  #answer(id: number, answers: Uint8Array): void {
    const batch = this.#sent.get(id);
    if (!batch) return;
    this.#sent.delete(id);
    this.#inFlight -= batch.length;
    if (!this.#dead) this.onWorker += batch.length;
    batch.forEach((p, i) => p.resolve(answers[i] === 1));
  }

  async close(): Promise<void> {
    if (this.#dead) return;
    this.#dead = true;
    await this.#worker.terminate();
  }
}
