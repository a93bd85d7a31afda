/**
 * `candor witness serve`: the C2SP tlog-witness HTTP interface (docs/witness.md#serving-add-checkpoint).
 * POST <prefix>/add-checkpoint only; the decision is the core's (tlog/witness.ts), taken
 * under the log's lock with the record read inside it, and the new record is on disk
 * before the cosignature is sent, as the spec requires.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addCheckpoint, type WitnessedLog } from '../../core/tlog/witness.ts';
import { parseNote, type SignerKey } from '../../core/tlog/note.ts';
import { peekCheckpoint, replaceCosignature } from '../../core/witness/check.ts';
import type { WitnessConfig } from '../../core/witness/config.ts';
import { readRecord, serialised, writeRecord } from './state.ts';

/** 63 proof lines and a checkpoint with its signatures fit many times over. */
export const MAX_BODY = 64 * 1024;

export interface ServeOptions {
  stateDir: string;
  config: WitnessConfig;
  key: SignerKey;
  /** POSIX seconds, read per request (a server runs for months). */
  clock: () => number;
  host: string;
  port: number;
  /** Called once per request answered: method, path, status, origin (never a key). */
  log?: (line: string) => void;
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY) throw new TooLarge();
    chunks.push(chunk);
  }
  return new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks));
}

function send(res: ServerResponse, status: number, body: string, type = 'text/plain; charset=utf-8'): void {
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body), 'cache-control': 'no-store' });
  res.end(body);
}

async function answer(req: IncomingMessage, res: ServerResponse, opts: ServeOptions, logs: WitnessedLog[]): Promise<string> {
  const url = new URL(req.url ?? '/', 'http://witness');
  if (url.pathname !== '/add-checkpoint') {
    send(res, 404, 'not found: this witness answers POST /add-checkpoint\n');
    return '404';
  }
  if (req.method !== 'POST') {
    res.setHeader('allow', 'POST');
    send(res, 405, 'add-checkpoint takes a POST\n');
    return '405';
  }
  let body: string;
  try {
    body = await readBody(req);
  } catch (error) {
    send(res, error instanceof TooLarge ? 413 : 400, error instanceof TooLarge ? 'request too large\n' : 'not UTF-8\n');
    return error instanceof TooLarge ? '413' : '400';
  }
  const origin = peekCheckpoint(body.slice(body.indexOf('\n\n') + 2))?.origin;
  const log = logs.find((l) => l.origin === origin);
  const decide = async () => {
    const record = log ? await readRecord(opts.stateDir, log.origin) : null;
    const now = opts.clock();
    const result = addCheckpoint(body, logs, () => record, opts.key, now);
    if (result.status === 200 && log) {
      const note = parseNote(body.slice(body.indexOf('\n\n') + 2));
      if (typeof note === 'string') throw new RangeError(note); // the core has just opened it
      await writeRecord(opts.stateDir, { origin: log.origin, ...result.record, checkpoint: replaceCosignature(note, opts.key, result.lines), time: now });
    }
    return result;
  };
  const result = log ? await serialised(opts.stateDir, log.origin, decide) : await decide();
  if (result.status === 200) send(res, 200, result.lines.map((l) => `${l}\n`).join(''));
  else if (result.status === 409) send(res, 409, `${result.size}\n`, 'text/x.tlog.size');
  else send(res, result.status, `${result.reason}\n`);
  return `${result.status}${origin ? ` ${origin}` : ''}${result.status === 200 ? '' : `: ${'reason' in result ? result.reason : ''}`}`;
}

export interface RunningWitness {
  server: Server;
  url: string;
  close(): Promise<void>;
}

/** A request's path, for the log: printable and short (it is the client's text). */
// eslint-disable-next-line no-control-regex
const shown = (text: string | undefined) => (text ?? '?').replace(/[\u0000-\u001f\u007f\s]+/g, '_').slice(0, 100);

export async function serveWitness(opts: ServeOptions): Promise<RunningWitness> {
  const logs: WitnessedLog[] = opts.config.logs.map((l) => ({ origin: l.origin, key: l.key }));
  const server = createServer((req, res) => {
    answer(req, res, opts, logs).then(
      (line) => opts.log?.(`${shown(req.method)} ${shown(req.url)} ${line}`),
      (error: unknown) => {
        // A record that cannot be read or locked: no cosignature, and the client may retry.
        if (!res.headersSent) send(res, 503, 'the witness cannot use its state; try again later\n');
        opts.log?.(`${shown(req.method)} ${shown(req.url)} 503: ${(error as Error).message}`);
      },
    );
  });
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host;
  return {
    server,
    url: `http://${host}:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
