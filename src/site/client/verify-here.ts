/**
 * "Verify in this browser": the same input gathering and the same core verifier as
 * `candor verify <site> --keys <pins>`, run on this device. Loaded only when asked,
 * because openpgp.js is most of its weight. Files come from this site only, within the
 * limits the CLI keeps (README "Resource limits"). When the canary names a log, the newest
 * checkpoint that verified is remembered in this browser (log-memory.ts) and the next check
 * must find the log grown from it, as `candor verify --state` does.
 */
import { readableInstant } from '../../core/dates.ts';
import { LIMITS, byteLimit, type FetchKind } from '../../core/verify/limits.ts';
import { siteVerifyInput, type Load } from '../../core/verify/site-input.ts';
import { checkpointToRemember, type LogComparison } from '../../core/verify/log.ts';
import { verifyCanary, type VerifyResult } from '../../core/verify/verify-canary.ts';
import { HEADLINE, verdictText } from '../../core/verify/verdict-text.ts';
import { element } from './dom.ts';
import { describeMemory, recall, remember, type Recall } from './log-memory.ts';

/** The body, stopping as soon as it passes `max` bytes. */
async function readCapped(response: Response, url: string, max: number): Promise<Uint8Array> {
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const next = reader ? await reader.read() : { done: true as const, value: undefined };
    if (next.done) break;
    size += next.value.byteLength;
    if (size > max) {
      await reader!.cancel();
      throw new Error(`${url}: larger than ${max} bytes; not read (README "Resource limits")`);
    }
    chunks.push(next.value);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.byteLength;
  }
  return out;
}

/** This origin only, no redirect, each request and the whole run within their time limits. */
function siteLoader(): Load {
  const run = AbortSignal.timeout(LIMITS.runSeconds * 1000);
  let budget: number = LIMITS.runBytes;
  return async (url: string, kind: FetchKind) => {
    if (new URL(url).origin !== location.origin) throw new Error(`${url}: not on this site; not fetched`);
    const signal = AbortSignal.any([AbortSignal.timeout(LIMITS.requestSeconds * 1000), run]);
    const response = await fetch(url, { cache: 'no-store', credentials: 'omit', redirect: 'error', signal });
    if (response.status === 404) return null;
    if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
    const bytes = await readCapped(response, url, Math.min(byteLimit(kind), budget));
    budget -= bytes.byteLength;
    return bytes;
  };
}

/** The log's alarm, right under the headline: a fork or a rollback is shown as a trip is, whatever else the canary says. */
function logAlarm(result: VerifyResult, before: Recall): HTMLElement | undefined {
  const alarms = result.reasons.filter((r) => r.code === 'LOG_FORK' || r.code === 'LOG_ROLLBACK');
  if (alarms.length === 0) return undefined;
  const fork = alarms.some((r) => r.code === 'LOG_FORK');
  const box = element('div');
  box.className = 'status bad';
  box.dataset['logAlarm'] = fork ? 'LOG_FORK' : 'LOG_ROLLBACK';
  const seen = before.status === 'remembered' ? before.remembered : undefined;
  const title = element('p');
  title.append(
    element(
      'strong',
      fork
        ? 'FORK: this canary log has shown different histories. Someone may have been shown another canary.'
        : 'ROLLBACK: this site shows an older canary log than this browser has seen. Do not rely on this canary.',
    ),
  );
  // The core's message begins with FORK: for the CLI's text; the title above says it already.
  box.append(title, ...alarms.map((r) => element('p', `${r.code}: ${r.message.replace(/^FORK: /, '')}`)));
  if (seen) {
    box.append(
      element(
        'p',
        `This browser saw the log with ${seen.size} entries, verified ${readableInstant(seen.seen)}, and keeps that checkpoint as evidence. Compare the checkpoints below with other verifiers (candor verify --state, a witness).`,
      ),
    );
  }
  const details = element('details');
  details.append(element('summary', 'The checkpoints'));
  if (seen) details.append(element('p', 'Remembered by this browser:'), element('pre', seen.checkpoint));
  if (result.log) details.append(element('p', 'Shown now:'), element('pre', result.log.checkpoint));
  box.append(details);
  return box;
}

const KEPT_BECAUSE: Partial<Record<LogComparison, string>> = {
  rollback: 'the log shown now is older than it',
  fork: 'the log shown now is another history',
  unchecked: "the log's tiles could not show that the log shown now extends it",
};

/** Why the remembered checkpoint stays. */
function keptBecause(result: VerifyResult): string {
  if (result.reasons.some((r) => r.code === 'LOG_FORK')) return 'the log shown now is another history';
  return (result.log && KEPT_BECAUSE[result.log.compared]) ?? 'the canary did not verify';
}

/** Remembers what the core says to remember; one sentence for the reader saying what became of the memory. */
function updateMemory(base: string, before: Recall, result: VerifyResult): string {
  if (before.status === 'unavailable' || before.status === 'unreadable') return `This check ran without memory. ${describeMemory(before)}`;
  const seen = before.status === 'remembered' ? before.remembered : undefined;
  const log = result.log;
  if (result.attestation && !result.attestation.data.log && !log)
    return seen
      ? `This canary names no log; this browser still remembers the log at ${seen.size} entries.`
      : 'This canary names no log: there is nothing to remember.';
  const next = checkpointToRemember(seen?.checkpoint, result);
  if (!log || next !== log.checkpoint)
    return seen
      ? `This browser keeps the checkpoint it remembered (${seen.size} entries, verified ${readableInstant(seen.seen)}): ${keptBecause(result)}.`
      : `Nothing was remembered: ${keptBecause(result)}.`;
  if (seen && seen.checkpoint === next) return `The log is the one this browser remembered (${seen.size} entries, verified ${readableInstant(seen.seen)}).`;
  const failed = remember(base, { checkpoint: next, origin: log.origin, size: log.size, root: log.root, seen: result.checkedAt });
  if (failed) return `The checkpoint could not be stored in this browser (${failed}): the next check here runs without memory.`;
  if (seen && log.compared === 'extends')
    return `The log grew from the ${seen.size} entries this browser remembered to ${log.size}: it now remembers ${log.size}, on this device only.`;
  return `This browser now remembers the log at ${log.size} entries, on this device only: the next check here must find it grown from it.`;
}

/**
 * The verdict as page elements: a headline carrying data-verdict, a fork or rollback of the
 * log right under it, what this browser remembers of the log, then the CLI's own text.
 */
export async function verifyHere(base: string, pins: string[], now: Date, automated: string[] = []): Promise<HTMLElement[]> {
  const before = recall(base);
  const remembered = before.status === 'remembered' ? { rememberedCheckpoint: before.remembered.checkpoint } : {};
  const input = await siteVerifyInput(base, { pins, automated, ...remembered }, siteLoader());
  const result = await verifyCanary(input, { now, skewSeconds: 300 });
  const headline = element('p');
  headline.className = `status ${result.verdict === 'alive' ? 'ok' : 'bad'}`;
  headline.dataset['verdict'] = result.verdict;
  headline.dataset['reasons'] = result.reasons.map((r) => r.code).join(' ');
  const strong = element('strong', HEADLINE[result.verdict]);
  headline.append(strong, ` Checked at ${result.checkedAt} by this device's clock, trusting ${pins.length} fingerprint(s).`);
  const memory = element('p', updateMemory(base, before, result));
  memory.dataset['logMemoryRun'] = before.status;
  const alarm = logAlarm(result, before);
  return [headline, ...(alarm ? [alarm] : []), memory, element('pre', verdictText(result, { showText: false }))];
}
