/**
 * The log's side of C2SP tlog-witness (docs/witness.md#asking-witnesses-the-logs-side):
 * after signing a new checkpoint, ask each witness of canary.yml `log.witnesses` for its
 * cosignature, with a consistency proof from the size it last cosigned, in parallel and
 * each within a timeout. A witness that is offline, refuses, or answers with a cosignature
 * that does not verify is reported and left out; none of that is fatal here: whether the
 * cosignatures gathered meet the witness policy is the verifier's question (tlog-policy),
 * and the publisher's to warn about.
 */
import { checkCosignature } from '../../core/tlog/cosignature.ts';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { consistencyProof, type SubtreeHashes } from '../../core/tlog/merkle.ts';
import { tileHashes, tilePath } from '../../core/tlog/tiles.ts';
import { addSignatures, parseNote, type VerifierKey } from '../../core/tlog/note.ts';
import { formatAddCheckpoint } from '../../core/tlog/witness.ts';
import { peekCheckpoint } from '../../core/witness/check.ts';
import type { WitnessEntry } from '../../core/witness/config.ts';
import { redactUrl } from '../http.ts';

export interface CosignRequest {
  /** The new checkpoint, signed by the log key. */
  checkpoint: string;
  /** The size of the checkpoint before it (0 for the first): the size the witnesses last cosigned, normally. */
  previousSize: number;
  /** The new tree's complete-subtree hashes (tileHashes over the log's tiles, or a memory tree). */
  read: SubtreeHashes;
  witnesses: readonly WitnessEntry[];
  /** Per witness, for the whole exchange (a 409 and its retry included). Default 10 s. */
  timeoutMs?: number;
  fetchImpl?: typeof fetch;
}

export type WitnessStatus = 'cosigned' | 'offline' | 'refused' | 'invalid';

export interface WitnessOutcome {
  name: string;
  url: string;
  status: WitnessStatus;
  /** The witness's HTTP status, when it answered. */
  http?: number;
  /** What happened, in words, for the publish step's log. */
  message: string;
  /** The cosignature's time (POSIX seconds), when cosigned. */
  timestamp?: number;
}

export interface CosignResult {
  /** The checkpoint with every verified cosignature line added (the log's own lines first). */
  checkpoint: string;
  witnesses: WitnessOutcome[];
  /** The witness keys whose cosignatures verified: tlog-policy's cosignedNames() and quorumMet() take these. */
  cosigners: VerifierKey[];
}

const MAX_ANSWER = 64 * 1024;

/** A witness's answer that is not a cosignature; caught in askOne and reported, never thrown further. */
class Refusal extends Error {
  readonly status: WitnessStatus;
  readonly http: number | undefined;
  constructor(status: WitnessStatus, message: string, http?: number) {
    super(message);
    this.status = status;
    this.http = http;
  }
}

async function post(url: string, body: string, signal: AbortSignal, fetchImpl: typeof fetch): Promise<{ status: number; text: string }> {
  const response = await fetchImpl(url, { method: 'POST', body, headers: { 'content-type': 'text/plain; charset=utf-8' }, redirect: 'error', signal });
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    if (!reader) break;
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_ANSWER) {
      await reader.cancel().catch(() => undefined);
      throw new Refusal('invalid', `an answer of more than ${MAX_ANSWER} bytes`, response.status);
    }
    chunks.push(value);
  }
  return { status: response.status, text: Buffer.concat(chunks).toString('utf8') };
}

function submission(prefix: string): string {
  const u = new URL(prefix);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/add-checkpoint`;
  return u.toString();
}

/** The lines of a 200 answer by this witness that verify; a line by it that does not is a forged or broken cosignature. */
function verifiedLines(text: string, key: VerifierKey, noteText: string): { lines: string[]; timestamp: number } {
  const lines = text.split('\n').filter((l) => l.length > 0);
  if (lines.length === 0 || lines.some((l) => !l.startsWith('— '))) throw new Refusal('invalid', 'an answer that is not note signature lines', 200);
  // Read them as signatures on the checkpoint's text: the same parser a verifier uses.
  const note = parseNote(`${noteText}\n${lines.join('\n')}\n`);
  if (typeof note === 'string') throw new Refusal('invalid', `signature lines that do not parse (${note})`, 200);
  const mine = note.signatures.filter((s) => s.name === key.name && s.keyId === key.keyId);
  if (mine.length === 0) throw new Refusal('invalid', 'no cosignature by its key (another key answered)', 200);
  let timestamp = -1;
  for (const sig of mine) {
    const t = checkCosignature(key, note.text, sig.signature);
    if (typeof t === 'string') throw new Refusal('invalid', `a cosignature that does not verify (${t}): forged, or for another checkpoint`, 200);
    timestamp = Math.max(timestamp, t);
  }
  return { lines: mine.map((s) => s.line), timestamp };
}

// eslint-disable-next-line no-control-regex
const CONTROLS = /[\u0000-\u001f\u007f]+/g;
/** A witness's words, for a log line: one line, printable, short. */
const said = (text: string) => text.replace(CONTROLS, ' ').trim().slice(0, 200);

async function askOne(
  witness: WitnessEntry,
  req: CosignRequest,
  bodyFrom: (old: number) => string,
  size: number,
  noteText: string,
): Promise<{ lines: string[]; outcome: WitnessOutcome }> {
  const url = submission(witness.url);
  const shown = redactUrl(url);
  const signal = AbortSignal.timeout(req.timeoutMs ?? 10_000);
  const fetchImpl = req.fetchImpl ?? fetch;
  const retryBody = (old: number) => {
    try {
      return bodyFrom(old);
    } catch (error) {
      throw new Refusal('refused', `it cosigned size ${old}, from which this log cannot prove consistency (${(error as Error).message})`, 409);
    }
  };
  try {
    let old = req.previousSize;
    let answer = await post(url, bodyFrom(old), signal, fetchImpl);
    // 409: the witness last cosigned another size; once more from that size, if the log can prove it.
    if (answer.status === 409) {
      const known = /^(0|[1-9][0-9]*)\n?$/.exec(answer.text);
      const theirs = known ? Number(known[1]) : NaN;
      if (!Number.isSafeInteger(theirs)) throw new Refusal('invalid', 'a 409 without the size it cosigned', 409);
      if (theirs === old) throw new Refusal('refused', `it cosigned another checkpoint of size ${theirs}: this log forked, or lost its state`, 409);
      if (theirs > size) throw new Refusal('refused', `it cosigned a larger tree (${theirs}) than this checkpoint (${size}): a rollback`, 409);
      old = theirs;
      answer = await post(url, retryBody(old), signal, fetchImpl);
      if (answer.status === 409) throw new Refusal('refused', `it cosigned another checkpoint of size ${said(answer.text)}`, 409);
    }
    if (answer.status !== 200) throw new Refusal('refused', `HTTP ${answer.status}: ${said(answer.text) || 'no reason given'}`, answer.status);
    const { lines, timestamp } = verifiedLines(answer.text, witness.key, noteText);
    return {
      lines,
      outcome: { name: witness.name, url: shown, status: 'cosigned', http: 200, message: `cosigned at ${timestamp} (from size ${old})`, timestamp },
    };
  } catch (error) {
    if (error instanceof Refusal)
      return {
        lines: [],
        outcome: { name: witness.name, url: shown, status: error.status, message: error.message, ...(error.http ? { http: error.http } : {}) },
      };
    const e = error as Error;
    const why =
      e.name === 'TimeoutError' || e.name === 'AbortError'
        ? 'no answer within the timeout'
        : `cannot connect (${(e.cause as Error | undefined)?.message ?? e.message})`;
    return { lines: [], outcome: { name: witness.name, url: shown, status: 'offline', message: why } };
  }
}

/** Asks every witness at once; resolves with the checkpoint and what each witness did. Never rejects for a witness's sake. */
export async function requestCosignatures(req: CosignRequest): Promise<CosignResult> {
  const note = parseNote(req.checkpoint);
  const cp = peekCheckpoint(req.checkpoint);
  if (typeof note === 'string' || !cp)
    throw new RangeError(`requestCosignatures takes a signed checkpoint (${typeof note === 'string' ? note : 'malformed-checkpoint'})`);
  if (!Number.isSafeInteger(req.previousSize) || req.previousSize < 0 || req.previousSize > cp.size)
    throw new RangeError(`previous size ${req.previousSize} for a checkpoint of size ${cp.size}`);
  // Proofs by old size, shared by the witnesses; the first is built before any request, so
  // that a log that cannot read its own tiles is the caller's error, not a witness's.
  const bodies = new Map<number, string>();
  const bodyFrom = (old: number): string => {
    let body = bodies.get(old);
    if (body === undefined) {
      body = formatAddCheckpoint({
        oldSize: old,
        proof: old === 0 || old === cp.size ? [] : consistencyProof(old, cp.size, req.read),
        checkpoint: req.checkpoint,
      });
      bodies.set(old, body);
    }
    return body;
  };
  bodyFrom(req.previousSize);
  const answers = await Promise.all(req.witnesses.map((w) => askOne(w, req, bodyFrom, cp.size, note.text)));
  // A witness that cosigned again replaces its older line (asked twice about one checkpoint,
  // it answers with a new time): one line per witness, as a verifier counts them.
  const fresh = req.witnesses.filter((_, i) => answers[i]!.lines.length > 0).map((w) => w.key);
  const kept = note.signatures.filter((sig) => !fresh.some((k) => k.name === sig.name && k.keyId === sig.keyId));
  const lines = [...new Set(answers.flatMap((a) => a.lines))];
  return {
    checkpoint: lines.length > 0 ? addSignatures({ ...note, signatures: kept }, lines) : req.checkpoint,
    witnesses: answers.map((a) => a.outcome),
    cosigners: req.witnesses.filter((_, i) => answers[i]!.outcome.status === 'cosigned').map((w) => w.key),
  };
}

/** One line per witness for the publish step's output: "w1: cosigned at …", "w2: offline (…)". */
export function describeCosignatures(result: CosignResult): string[] {
  return result.witnesses.map((w) => `${w.name} (${w.url}): ${w.status}${w.status === 'cosigned' ? '' : ` — ${w.message}`}`);
}

/**
 * The publish step's one call: the log folder (content/canary/log/, its tiles already
 * written for the new checkpoint), the new checkpoint, the size before it and canary.yml's
 * `log.witnesses`. Write `result.checkpoint` as the log's checkpoint; print
 * describeCosignatures(result). Tiles are read as needed (a proof reads a few).
 */
export function cosignFromLogDir(
  logDir: string,
  checkpoint: string,
  previousSize: number,
  witnesses: readonly WitnessEntry[],
  opts: { timeoutMs?: number; fetchImpl?: typeof fetch } = {},
): Promise<CosignResult> {
  const cp = peekCheckpoint(checkpoint);
  if (!cp) throw new RangeError('cosignFromLogDir takes a signed checkpoint');
  const read = tileHashes(cp.size, (tile) => new Uint8Array(readFileSync(path.join(logDir, tilePath(tile)))));
  return requestCosignatures({ checkpoint, previousSize, read, witnesses, ...opts });
}
