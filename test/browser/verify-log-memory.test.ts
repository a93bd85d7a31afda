/**
 * "Verify in this browser" remembers the canary log between visits (docs/canary.md#in-the-browser),
 * as `candor verify --state` does: the demo site is verified, then the served log is swapped
 * on disk for one that grew, one rolled back and one that forked (the same origin and log key,
 * another history), each made with the core's log functions and the demo's own log key, with
 * heartbeats signed by the demo's CI key. A fork or rollback is shown right under the verdict
 * and keeps the remembered checkpoint; forgetting it starts over; storage that is blocked
 * or full only means checking without memory.
 */
import path from 'node:path';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderDocument } from '../../src/core/canary/document.ts';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { signDocument } from '../../src/core/pgp/sign.ts';
import { parseCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { appendEntries, proofFile, readEntries } from '../../src/core/tlog/log.ts';
import { parseSignerKey, type SignerKey } from '../../src/core/tlog/note.ts';
import { tilePath, type TileId } from '../../src/core/tlog/tiles.ts';
import { readArchived, type ArchivedDocument } from '../../src/io/archive.ts';
import { readSigningKey } from '../../src/io/keyring.ts';
import {
  axeSummary,
  axeViolations,
  BUILD_TIMEOUT,
  guardedContext,
  isLocalUrl,
  requireBrowser,
  serveDemoSite,
  type BrowserHandle,
  type PageProblems,
  startBrowser,
  type ServedSite,
} from '../helpers/browser.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;
let context: BrowserContext;
let problems: PageProblems;
let requests: string[] = [];
let attestation: ArchivedDocument<AttestationData>;
let heartbeat: ArchivedDocument<HeartbeatData>;
let logKey: SignerKey;
let origin: string;
/** The log as built: every archived document, oldest first. */
let built: Uint8Array[];
let builtCheckpoint: string;

const enc = (s: string) => new TextEncoder().encode(s);
const noMillis = (d: Date) => d.toISOString().replace(/\.\d{3}Z$/, 'Z');
/** Seconds after the demo's heartbeat: still before now, since the site was built after it. */
const after = (seconds: number) => new Date(Date.parse(heartbeat.data.issued) + seconds * 1000);

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('log-memory')]);
  attestation = await readArchived<AttestationData>(path.join(site.site, 'canary.txt'), site.site);
  heartbeat = await readArchived<HeartbeatData>(path.join(site.site, 'heartbeat.txt'), site.site);
  const key = parseSignerKey((await readFile(site.logKey.file, 'utf8')).trim());
  if (typeof key === 'string') throw new Error(`the demo's log key: ${key}`);
  logKey = key;
  builtCheckpoint = await readFile(path.join(site.site, 'canary', 'log', 'checkpoint'), 'utf8');
  const cp = parseCheckpoint(builtCheckpoint.slice(0, builtCheckpoint.indexOf('\n\n') + 1));
  if (typeof cp === 'string') throw new Error(`the demo's checkpoint: ${cp}`);
  origin = cp.origin;
  const log = path.join(site.site, 'canary', 'log');
  const bundles = new Map<string, Uint8Array>();
  for (const t of Array.from({ length: Math.ceil(cp.size / 256) }, (_, i) => i)) {
    const width = Math.min(256, cp.size - t * 256);
    const tile: TileId = { level: 'entries', index: t, width };
    bundles.set(tilePath(tile), await readFile(path.join(log, tilePath(tile))));
  }
  const entries = readEntries(cp, (tile) => bundles.get(tilePath(tile)) ?? null);
  if (!Array.isArray(entries)) throw new Error(`the demo's log: ${entries.problem}`);
  built = entries;
  if (!browser.browser) return;
  ({ context, problems, requests } = await guardedContext(browser.browser));
}, BUILD_TIMEOUT);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

/** A heartbeat after the demo's, signed by its CI key: valid on its own, whatever log it is put in. */
async function beat(sequence: number, issued: Date, previous: string): Promise<string> {
  const ci = await readSigningKey({ keyFile: site!.keys[2]!.file, passphraseFile: site!.passphraseFile }, {});
  const data: HeartbeatData = { ...heartbeat.data, sequence, previous, issued: noMillis(issued) };
  return signDocument(renderDocument(data), [ci], { now: issued });
}

/**
 * Serves a log of exactly `entries`, signed with the demo's log key, with the current
 * heartbeat `heartbeatFile` and both documents' proofs against its checkpoint, as the
 * build publishes them. Returns the checkpoint.
 */
async function serveLog(entries: Uint8Array[], heartbeatFile: string): Promise<string> {
  const log = appendEntries([], entries, origin, logKey);
  const files = new Map(log.files);
  const dir = path.join(site!.site, 'canary', 'log');
  await rm(path.join(dir, 'tile'), { recursive: true, force: true });
  for (const [p, bytes] of files) {
    await mkdir(path.dirname(path.join(dir, p)), { recursive: true });
    await writeFile(path.join(dir, p), bytes);
  }
  const source = (t: TileId) => files.get(tilePath(t))!;
  const proof = (doc: string) => {
    const p = proofFile(enc(doc), entries, log.checkpoint, source);
    if (!p) throw new Error('the document is not in the log being served');
    return p;
  };
  await writeFile(path.join(site!.site, 'canary.txt.tlog-proof'), proof(attestation.signed));
  await writeFile(path.join(site!.site, 'heartbeat.txt.tlog-proof'), proof(heartbeatFile));
  await writeFile(path.join(site!.site, 'heartbeat.txt'), heartbeatFile);
  return log.checkpoint;
}

interface Visit {
  page: Page;
  verdict: string;
  reasons: string[];
  /** What this run says became of the memory. */
  memory: string;
}

/** Opens /canary/, presses the button with the demo's pins, and reads the verdict. */
async function visit(on: BrowserContext = context, page?: Page): Promise<Visit> {
  page ??= await on.newPage();
  if (page.url() !== site!.url('/canary/')) await page.goto(site!.url('/canary/'));
  await page.getByLabel('Fingerprints you trust (one per line)').fill(site!.pins.join('\n'));
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  const headline = page.locator('[data-verify-result] [data-verdict]');
  await headline.waitFor({ timeout: 60_000 });
  return {
    page,
    verdict: (await headline.getAttribute('data-verdict'))!,
    reasons: ((await headline.getAttribute('data-reasons')) ?? '').split(' ').filter(Boolean),
    memory: await page.locator('[data-log-memory-run]').innerText(),
  };
}

const storageKey = () => `candor:canary-log:${site!.url('/')}`;

/** The checkpoint this browser has stored for the demo site, read from the page's localStorage. */
async function stored(page: Page): Promise<string | undefined> {
  const text = await page.evaluate((key) => localStorage.getItem(key), storageKey());
  return text === null ? undefined : (JSON.parse(text) as { checkpoint: string }).checkpoint;
}

const sizeOf = (checkpoint: string) => Number(checkpoint.split('\n')[1]);

describe('the browser remembers the canary log', () => {
  let grown: string;
  let forked: string;

  it('the log made again from its entries is the one the build published (the variants below are made the same way)', async () => {
    expect(await serveLog(built, heartbeat.signed)).toBe(builtCheckpoint);
  });

  it('first visit: ALIVE, nothing remembered before; the checkpoint is now remembered, on this device only', async () => {
    const v = await visit();
    expect(v.verdict).toBe('alive');
    expect(v.reasons).toContain('LOG_UNCHECKED');
    expect(await v.page.locator('[data-verify-result] pre').innerText()).toContain('no remembered checkpoint');
    expect(v.memory).toContain(`now remembers the log at ${built.length} entries, on this device only`);
    expect(await stored(v.page)).toBe(builtCheckpoint);
    const text = v.page.locator('[data-log-memory-text]');
    expect(await text.getAttribute('data-log-memory')).toBe('remembered');
    expect(await text.innerText()).toContain(`remembers the log ${origin} at ${built.length} entries`);
    expect(await text.innerText()).toContain('stored on this device only');
    expect(await v.page.getByRole('button', { name: 'Forget what this browser remembers' }).isVisible()).toBe(true);
    // The page says what is kept, and where, before anything is verified too.
    expect(await v.page.locator('[data-verify-here]').innerText()).toContain('stored only on this device');
    await v.page.close();
  });

  it('the memory survives a reload: the next check compares with it (no LOG_UNCHECKED) and keeps it', async () => {
    const page = await context.newPage();
    await page.goto(site!.url('/canary/'));
    await page.reload();
    expect(await page.locator('[data-log-memory-text]').innerText()).toContain(`at ${built.length} entries`);
    const v = await visit(context, page);
    expect(v.verdict).toBe('alive');
    expect(v.reasons).not.toContain('LOG_UNCHECKED');
    expect(v.memory).toContain(`The log is the one this browser remembered (${built.length} entries`);
    expect(await stored(page)).toBe(builtCheckpoint);
    await page.close();
  });

  it('the log grew (a new heartbeat): ALIVE, proven to extend the remembered one from the tiles; the grown checkpoint replaces it', async () => {
    const next = await beat(heartbeat.data.sequence + 1, after(1), heartbeat.hash);
    grown = await serveLog([...built, enc(next)], next);
    const v = await visit();
    expect(v.verdict).toBe('alive');
    expect(v.reasons).not.toContain('LOG_UNCHECKED');
    expect(v.memory).toContain(`grew from the ${built.length} entries this browser remembered to ${built.length + 1}`);
    expect(await stored(v.page)).toBe(grown);
    // The consistency proof came from the tiles under /canary/log/, fetched from this site.
    expect(requests.some((u) => new URL(u).pathname.startsWith('/canary/log/tile/'))).toBe(true);
    await v.page.close();
  });

  it('the site rolled back to the log as it was: INVALID, LOG_ROLLBACK shown right under the verdict; the remembered checkpoint is kept', async () => {
    await serveLog(built, heartbeat.signed);
    const v = await visit();
    expect(v.verdict).toBe('invalid');
    expect(v.reasons).toContain('LOG_ROLLBACK');
    const alarm = v.page.locator('[data-verify-result] [data-verdict] + [data-log-alarm]');
    expect(await alarm.getAttribute('data-log-alarm')).toBe('LOG_ROLLBACK');
    expect(await alarm.getAttribute('class')).toBe('status bad');
    expect(await alarm.locator('strong').innerText()).toMatch(/^ROLLBACK: /);
    expect(await alarm.innerText()).toContain(`the log shows ${built.length} entries; you have seen it with ${built.length + 1}`);
    expect(await alarm.innerText()).toContain(`This browser saw the log with ${built.length + 1} entries`);
    expect(v.memory).toContain(`keeps the checkpoint it remembered (${built.length + 1} entries`);
    expect(await stored(v.page)).toBe(grown);
    await v.page.close();
  });

  it('the site forked (same origin and log key, another history): TRIPPED, LOG_FORK shown as a trip; the remembered checkpoint is kept as evidence', async () => {
    // Another heartbeat in the place of the one remembered, then one more: a larger log that does not extend the remembered one.
    const other = await beat(heartbeat.data.sequence + 1, after(2), heartbeat.hash);
    const last = await beat(heartbeat.data.sequence + 2, after(3), heartbeat.hash);
    forked = await serveLog([...built, enc(other), enc(last)], last);
    expect(sizeOf(forked)).toBe(sizeOf(grown) + 1);
    const v = await visit();
    expect(v.verdict).toBe('tripped');
    expect(v.reasons).toContain('LOG_FORK');
    expect(v.reasons).not.toContain('LOG_UNCHECKED');
    const alarm = v.page.locator('[data-verify-result] [data-verdict] + [data-log-alarm]');
    expect(await alarm.getAttribute('data-log-alarm')).toBe('LOG_FORK');
    expect(await alarm.getAttribute('class')).toBe('status bad');
    expect(await alarm.locator('strong').innerText()).toMatch(/^FORK: /);
    expect(await alarm.innerText()).toContain(`does not extend the one of ${sizeOf(grown)}`);
    // Both checkpoints, as evidence to compare with other verifiers.
    await alarm.locator('summary', { hasText: 'The checkpoints' }).click();
    const shown = await alarm.locator('pre').allInnerTexts();
    expect(shown.map((t) => t.trim())).toEqual([grown.trim(), forked.trim()]);
    // The CLI's text too: the fork right under the headline, as a trip.
    expect((await v.page.locator('[data-verify-result] > pre').innerText()).split('\n')[1]).toMatch(/^!!! LOG_FORK: FORK: /);
    expect(v.memory).toContain('the log shown now is another history');
    expect(await stored(v.page)).toBe(grown);
    // The alarm is as accessible as the rest of the page.
    expect(axeSummary(await axeViolations(v.page))).toEqual([]);
    await v.page.close();
  });

  it('forgetting: the memory is gone; a fresh visit verifies without memory (ALIVE, LOG_UNCHECKED) and remembers what it sees', async () => {
    const page = await context.newPage();
    await page.goto(site!.url('/canary/'));
    await page.getByRole('button', { name: 'Forget what this browser remembers' }).click();
    const text = page.locator('[data-log-memory-text]');
    expect(await text.innerText()).toMatch(/^Forgotten\. This browser remembers nothing of this canary log yet\./);
    expect(await text.getAttribute('data-log-memory')).toBe('none');
    expect(await page.getByRole('button', { name: 'Forget what this browser remembers' }).isVisible()).toBe(false);
    expect(await stored(page)).toBeUndefined();
    await page.close();
    const v = await visit();
    expect(v.verdict).toBe('alive');
    expect(v.reasons).toContain('LOG_UNCHECKED');
    expect(v.reasons).not.toContain('LOG_FORK');
    expect(await stored(v.page)).toBe(forked);
    await v.page.close();
  });

  it('no console error, no uncaught exception, no request off this origin during all of it', () => {
    expect(problems.messages, problems.messages.join('\n')).toEqual([]);
    expect(requests.filter((u) => !isLocalUrl(u))).toEqual([]);
  });
});

describe('a browser that keeps nothing', () => {
  it('storage blocked (as in private mode or with site data blocked): the check runs without memory and says so', async () => {
    const blocked = await browser!.browser!.newContext();
    try {
      // What Chromium does when site data is blocked: reading window.localStorage throws a SecurityError.
      await blocked.addInitScript(() => {
        Object.defineProperty(window, 'localStorage', {
          configurable: true,
          get() {
            throw new DOMException("Failed to read the 'localStorage' property from 'Window': Access is denied for this document.", 'SecurityError');
          },
        });
      });
      const page = await blocked.newPage();
      await page.goto(site!.url('/canary/'));
      const text = page.locator('[data-log-memory-text]');
      expect(await text.getAttribute('data-log-memory')).toBe('unavailable');
      expect(await text.innerText()).toContain('This browser keeps nothing for this site (SecurityError');
      const v = await visit(blocked, page);
      expect(v.verdict).toBe('alive');
      expect(v.reasons).toContain('LOG_UNCHECKED');
      expect(v.memory).toMatch(/^This check ran without memory\. This browser keeps nothing for this site/);
      expect(v.memory).toContain('a log rolled back or forked since an earlier visit would go unnoticed');
    } finally {
      await blocked.close();
    }
  });

  it('storage full: the check verifies, and says the checkpoint could not be stored', async () => {
    const full = await browser!.browser!.newContext();
    try {
      await full.addInitScript(() => {
        Storage.prototype.setItem = () => {
          throw new DOMException("Failed to execute 'setItem' on 'Storage': Setting the value exceeded the quota.", 'QuotaExceededError');
        };
      });
      const v = await visit(full);
      expect(v.verdict).toBe('alive');
      expect(v.memory).toMatch(/^The checkpoint could not be stored in this browser \(QuotaExceededError/);
      expect(await stored(v.page)).toBeUndefined();
    } finally {
      await full.close();
    }
  });
});
