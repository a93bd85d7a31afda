/**
 * `candor watch`: every site that is due, checked in parallel (at most `concurrency` at
 * once, each request with its timeout and retries), its state moved by the pure
 * transition and written atomically, and the events logged. Sites are independent: one
 * that cannot be reached is unknown, and the others are still checked.
 */
import path from 'node:path';
import type { WatchConfig, WatchSite } from '../../core/watch/config.ts';
import { OUT_FILES, statusHtml, statusJson, watchFeed } from '../../core/watch/outputs.ts';
import { writeFileAtomic } from '../files.ts';
import { accept, transition, type SiteState, type WatchEvent } from '../../core/watch/transition.ts';
import { observeCandor, observeText } from './observe.ts';
import { withStateLock } from './lock.ts';
import { acceptInVerifyState, appendEvents, readSiteState, writeSiteState } from './state.ts';

export interface SiteReport {
  name: string;
  url: string;
  kind: WatchSite['kind'];
  trust: 'pinned' | 'tofu';
  /** False when the site was not due (checked less than intervalHours ago). */
  checked: boolean;
  state: SiteState | undefined;
}

export interface WatchRun {
  sites: SiteReport[];
  /** What changed in this run. */
  events: WatchEvent[];
  /** The log, newest last (this run's events included). */
  log: WatchEvent[];
}

/** `items` through `fn`, at most `limit` at a time, results in the order given. */
export async function mapLimit<T, R>(items: T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

const due = (state: SiteState | undefined, site: WatchSite, now: Date) =>
  !state || now.getTime() - new Date(state.checkedAt).getTime() >= site.intervalHours * 3_600_000 || site.intervalHours === 0;

async function checkSite(site: WatchSite, config: WatchConfig, stateDir: string, now: Date): Promise<{ report: SiteReport; events: WatchEvent[] }> {
  const prev = await readSiteState(stateDir, site.name);
  const report = { name: site.name, url: site.url, kind: site.kind, trust: site.tofu ? ('tofu' as const) : ('pinned' as const) };
  if (!due(prev, site, now)) return { report: { ...report, checked: false, state: prev }, events: [] };
  const limits = { timeoutMs: config.checks.timeoutSeconds * 1000, retries: config.checks.retries };
  const observation = site.kind === 'candor' ? await observeCandor(site, stateDir, prev, limits, now) : await observeText(site, prev, limits, now);
  const { state, events } = transition(prev, observation, { name: site.name, tofu: Boolean(site.tofu), unknownAfter: site.unknownAfter });
  await writeSiteState(stateDir, site.name, site.url, state);
  return { report: { ...report, checked: true, state }, events };
}

/** One run over the state folder, holding its lock (lock.ts): another run at once fails, STATE_LOCKED. */
export async function runWatch(config: WatchConfig, stateDir: string, now: Date, during?: (run: WatchRun) => Promise<void>): Promise<WatchRun> {
  return withStateLock(stateDir, 'candor watch', async () => {
    const run = await checkAll(config, stateDir, now);
    await during?.(run);
    return run;
  });
}

async function checkAll(config: WatchConfig, stateDir: string, now: Date): Promise<WatchRun> {
  const results = await mapLimit(config.sites, config.checks.concurrency, (site) => checkSite(site, config, stateDir, now));
  const events = results.flatMap((r) => r.events);
  const log = await appendEvents(stateDir, events);
  return { sites: results.map((r) => r.report), events, log };
}

/** `candor watch accept NAME`: held keys trusted, a trip acknowledged (the Candor verifier's too). */
export function acceptSite(site: WatchSite, stateDir: string, now: Date): Promise<SiteState | undefined> {
  return withStateLock(stateDir, `candor watch accept ${site.name}`, () => acceptLocked(site, stateDir, now));
}

async function acceptLocked(site: WatchSite, stateDir: string, now: Date): Promise<SiteState | undefined> {
  const prev = await readSiteState(stateDir, site.name);
  if (!prev) return undefined;
  const next = accept(prev, now.toISOString());
  if (site.kind === 'candor') await acceptInVerifyState(stateDir, site.name, now, prev.pending ?? []);
  await writeSiteState(stateDir, site.name, site.url, next);
  return next;
}

/** --out DIR: the feed, the status page and its JSON, each written atomically (a reader never sees half a page). */
export async function writeOutputs(config: WatchConfig, run: WatchRun, outDir: string, now: Date): Promise<void> {
  const views = config.sites.map((site) => ({ site, state: run.sites.find((s) => s.name === site.name)?.state }));
  await writeFileAtomic(path.join(outDir, OUT_FILES.feed), watchFeed(config.page, run.log, now));
  await writeFileAtomic(path.join(outDir, OUT_FILES.json), statusJson(views, run.log, now));
  await writeFileAtomic(path.join(outDir, OUT_FILES.html), statusHtml(config.page, views, run.log, now));
}

/** `candor watch init DIR`: watch.yml, the workflow and a package.json, never over a file that is there. */
export async function initWatchRepo(dir: string, version: string): Promise<string[]> {
  const { readFile } = await import('node:fs/promises');
  const { PACKAGE_ROOT } = await import('../package-root.ts');
  const { WATCH_LIST_TEMPLATE, pinnedUse, watchWorkflow } = await import('../../core/watch/init.ts');
  const { UsageError } = await import('../../core/errors.ts');
  const { exists } = await import('../files.ts');
  const publish = await readFile(path.join(PACKAGE_ROOT, '.github', 'workflows', 'publish.yml'), 'utf8');
  const checkout = pinnedUse(publish, 'actions/checkout');
  const setupNode = pinnedUse(publish, 'actions/setup-node');
  if (!checkout || !setupNode) throw new Error('the shipped publish.yml pins no actions/checkout or actions/setup-node');
  const files: [string, string][] = [
    ['watch.yml', WATCH_LIST_TEMPLATE],
    [path.join('.github', 'workflows', 'watch.yml'), watchWorkflow({ checkout, setupNode })],
  ];
  if (!(await exists(path.join(dir, 'package.json'))))
    files.push(['package.json', `${JSON.stringify({ private: true, dependencies: { candor: `^${version}` } }, null, 2)}\n`]);
  const present: string[] = [];
  for (const [name] of files.slice(0, 2)) if (await exists(path.join(dir, name))) present.push(name);
  if (present.length > 0)
    throw new UsageError('INIT_TARGET_NOT_EMPTY', 'the watch files are already there', {
      file: dir,
      expected: 'a folder without watch.yml and .github/workflows/watch.yml',
      received: present.join(', '),
      hint: 'Edit the files that are there, or pick another folder. See docs/watch.md#a-watch-repository.',
    });
  for (const [name, text] of files) await writeFileAtomic(path.join(dir, name), text);
  return files.map(([name]) => name);
}
