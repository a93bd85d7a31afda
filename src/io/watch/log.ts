/**
 * The I/O half of a Candor site's log check (src/core/watch/log.ts): /canary.json's `log`,
 * the signed checkpoint, the .tlog-proof files of the served canary and heartbeat, then
 * only the tiles the consistency proofs read. Every request goes through the check's
 * bounded Reader; a request that gets no answer makes the site unreachable, as any other.
 */
import { declaredLog, finishLog, planLog, type LoggedDocument, type LogMemory } from '../../core/watch/log.ts';
import { tilePath } from '../../core/tlog/tiles.ts';
import type { Reader } from '../verify-sources.ts';

type Reason = { code: string; message: string };

export interface LogCheckInput {
  base: string;
  canaryUrl: string;
  heartbeatUrl: string;
  previous: LogMemory | undefined;
  serviceUrl: string | undefined;
  attestation: string;
  heartbeat: string | undefined;
}

const text = (bytes: Uint8Array | null) => (bytes ? new TextDecoder().decode(bytes) : undefined);

function parseJson(bytes: Uint8Array | null): unknown {
  try {
    return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as unknown) : undefined;
  } catch {
    // Not JSON (a site's catch-all page): no declaration.
    return undefined;
  }
}

/** The log's verified checkpoint (to remember), or why the site's log does not hold; nothing for a site without a log. */
export async function checkLog(input: LogCheckInput, reader: Reader): Promise<{ memory?: LogMemory; reasons: Reason[] }> {
  const json = reader.url(new URL('canary.json', input.base).toString(), 'signed');
  // A site whose log this watcher has never seen works as before its log existed: a failing
  // canary.json is no log. Once a log is remembered, the site must answer for it.
  const declared = declaredLog(parseJson(await (input.previous ? json : json.catch(() => null))));
  if (declared && 'code' in declared) return { reasons: [declared] };
  // The log's files are read from the site being watched, at the paths the contract fixes
  // (/canary/log/ under the site's base), whatever host /canary.json names: a site served
  // from another address than its service URL (a project page, a mirror) is checked where
  // it is, and nothing is fetched from anywhere else.
  const checkpointUrl = new URL('canary/log/checkpoint', input.base).toString();
  // The checkpoint and the proofs at once, then the tiles at once: a site's check waits on the network a few times, not once per file.
  const files: [LoggedDocument['name'], string, string | undefined][] = [
    ['canary.txt', input.canaryUrl, input.attestation],
    ['heartbeat.txt', input.heartbeatUrl, input.heartbeat],
  ];
  const served = files.filter(([, , doc]) => doc !== undefined);
  const [checkpoint, ...proofs] = declared
    ? await Promise.all([reader.url(checkpointUrl, 'signed'), ...served.map(([, url]) => reader.url(`${url}.tlog-proof`, 'signed'))])
    : [null];
  const documents: LoggedDocument[] = declared
    ? served.map(([name, , doc], i) => ({ name, bytes: new TextEncoder().encode(doc), proof: text(proofs[i] ?? null) }))
    : [];
  const plan = planLog({ previous: input.previous, declared, serviceUrl: input.serviceUrl, checkpoint: text(checkpoint ?? null), documents });
  if (plan.kind === 'none') return { reasons: [] };
  if (plan.kind === 'failed') return { reasons: plan.reasons };
  const fetched = await Promise.all(plan.tiles.map((tile) => reader.url(new URL(tilePath(tile), checkpointUrl).toString(), 'signed')));
  const tiles = new Map<string, Uint8Array>();
  plan.tiles.forEach((tile, i) => {
    const bytes = fetched[i];
    if (bytes) tiles.set(tilePath(tile), bytes);
  });
  const done = finishLog(plan, tiles);
  return 'memory' in done ? { memory: done.memory, reasons: [] } : { reasons: done.reasons };
}
