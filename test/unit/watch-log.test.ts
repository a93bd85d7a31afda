/**
 * The watcher's log check (src/core/watch/log.ts) over logs written by the core's tile
 * code: a log that grows is consistent, from proofs read back from the site's tiles only
 * (across tile boundaries); a rollback, a fork at the same or a larger size, a canary the
 * log does not hold, a changed key and a removed log are each refused with their code.
 */
import { describe, expect, it } from 'vitest';
import { tilePath } from '../../src/core/tlog/tiles.ts';
import { declaredLog, finishLog, logOriginOf, planLog, proofTiles, type LogMemory, type LogPlanInput } from '../../src/core/watch/log.ts';
import { logFiles, makeLog, type LogFiles } from '../helpers/tlog-site.ts';

const ORIGIN = 'lumen-mail.example/canary/log';
const log = makeLog(ORIGIN);
const entries = (n: number, tag = 'doc') => Array.from({ length: n }, (_, i) => `${tag} ${i}\n`);
const declared = { origin: ORIGIN, key: log.vkey, checkpoint: 'https://lumen-mail.example/canary/log/checkpoint' };

/** Plans and finishes a check of `served` (with entry `index` as the canary) after `previous`. */
function check(previous: LogMemory | undefined, served: LogFiles, canary: string, index: number, over: Partial<LogPlanInput> = {}) {
  const plan = planLog({
    previous,
    declared,
    serviceUrl: 'https://lumen-mail.example',
    checkpoint: served.checkpoint,
    documents: [{ name: 'canary.txt', bytes: new TextEncoder().encode(canary), proof: served.proof(index) }],
    ...over,
  });
  if (plan.kind !== 'prove') return plan.kind === 'failed' ? { codes: plan.reasons.map((r) => r.code) } : { codes: [] };
  // Only the tiles the plan names are given: the proof cannot read anything else.
  const tiles = new Map(plan.tiles.map((t) => [tilePath(t), served.files[tilePath(t)]!]));
  const done = finishLog(plan, tiles);
  return 'memory' in done ? { codes: [], memory: done.memory, tiles: plan.tiles.length } : { codes: done.reasons.map((r) => r.code) };
}

describe('the log origin and declaration', () => {
  it('is the service URL host and path plus /canary/log', () => {
    expect(logOriginOf('https://lumen-mail.example')).toBe(ORIGIN);
    expect(logOriginOf('https://example.org/lumen/')).toBe('example.org/lumen/canary/log');
  });
  it('reads canary.json: no log, a log, or one that is not usable', () => {
    expect(declaredLog({ format: 'candor-canary-status/1' })).toBeUndefined();
    expect(declaredLog({ log: declared })).toEqual(declared);
    expect(declaredLog({ log: { origin: ORIGIN } })).toMatchObject({ code: 'LOG_UNREADABLE' });
  });
});

describe('consistency from the remembered checkpoint', () => {
  const all = entries(700);
  it('a first check remembers the checkpoint; a larger consistent one moves it, across tiles', () => {
    const first = check(undefined, logFiles(log, all.slice(0, 300)), all[299]!, 299);
    expect(first).toMatchObject({ codes: [], memory: { size: 300 } });
    const grown = check(first.memory, logFiles(log, all), all[699]!, 699);
    expect(grown).toMatchObject({ codes: [], memory: { size: 700 } });
    expect(grown.tiles).toBeGreaterThan(1);
  });

  it('a smaller checkpoint is a rollback', () => {
    const remembered = check(undefined, logFiles(log, all.slice(0, 10)), all[9]!, 9).memory;
    expect(check(remembered, logFiles(log, all.slice(0, 8)), all[7]!, 7).codes).toEqual(['LOG_ROLLBACK']);
  });

  it('another root at the same size, or a larger tree that does not extend it, is a fork', () => {
    const remembered = check(undefined, logFiles(log, all.slice(0, 10)), all[9]!, 9).memory;
    const forked = [...all.slice(0, 4), 'another canary\n', ...all.slice(5, 10)];
    expect(check(remembered, logFiles(log, forked), forked[4]!, 4).codes).toEqual(['LOG_FORK']);
    const grownFork = [...forked, ...entries(300, 'later')];
    expect(check(remembered, logFiles(log, grownFork), grownFork[309]!, 309).codes).toEqual(['LOG_FORK']);
  });

  it('a canary the checkpoint does not hold, or without its proof, is refused', () => {
    const served = logFiles(log, all.slice(0, 5));
    expect(check(undefined, served, 'a canary shown to this watcher only\n', 4).codes).toEqual(['LOG_NOT_INCLUDED']);
    expect(
      check(undefined, served, all[4]!, 4, { documents: [{ name: 'canary.txt', bytes: new TextEncoder().encode(all[4]), proof: undefined }] }).codes,
    ).toEqual(['LOG_PROOF_MISSING']);
  });

  it('a proof against an older checkpoint counts once the new one is shown to extend it', () => {
    const older = logFiles(log, all.slice(0, 3));
    const served = logFiles(log, all.slice(0, 6));
    const plan = planLog({
      previous: undefined,
      declared,
      serviceUrl: undefined,
      checkpoint: served.checkpoint,
      documents: [{ name: 'canary.txt', bytes: new TextEncoder().encode(all[2]), proof: older.proof(2) }],
    });
    expect(plan.kind).toBe('prove');
    if (plan.kind !== 'prove') return;
    expect(proofTiles(3, 6).map(tilePath)).toEqual(plan.tiles.map(tilePath));
    expect(finishLog(plan, new Map(plan.tiles.map((t) => [tilePath(t), served.files[tilePath(t)]!])))).toMatchObject({ memory: { size: 6 } });
    // The same proof, with tiles of another tree of that size: not consistent.
    const other = logFiles(log, entries(6, 'x'));
    expect(finishLog(plan, new Map(plan.tiles.map((t) => [tilePath(t), other.files[tilePath(t)]!])))).toMatchObject({ reasons: [{ code: 'LOG_FORK' }] });
    expect(finishLog(plan, new Map())).toMatchObject({ reasons: [{ code: 'LOG_TILES_INVALID' }] });
  });

  it('a changed log key, a foreign origin, a bad signature, a removed log', () => {
    const served = logFiles(log, all.slice(0, 2));
    const remembered = check(undefined, served, all[1]!, 1).memory!;
    const other = makeLog(ORIGIN, 'another key');
    expect(check(remembered, logFiles(other, all.slice(0, 3)), all[2]!, 2, { declared: { ...declared, key: other.vkey } }).codes).toEqual(['LOG_KEY_CHANGED']);
    expect(check(undefined, served, all[1]!, 1, { serviceUrl: 'https://elsewhere.example' }).codes).toEqual(['LOG_ORIGIN_MISMATCH']);
    expect(check(undefined, logFiles(other, all.slice(0, 2)), all[1]!, 1).codes).toEqual(['LOG_CHECKPOINT_INVALID']);
    expect(planLog({ previous: remembered, declared: undefined, serviceUrl: undefined, checkpoint: undefined, documents: [] })).toMatchObject({
      reasons: [{ code: 'LOG_REMOVED' }],
    });
    expect(planLog({ previous: undefined, declared: undefined, serviceUrl: undefined, checkpoint: undefined, documents: [] })).toEqual({ kind: 'none' });
  });
});
