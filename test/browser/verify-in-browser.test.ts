/**
 * "Verify in this browser" gives the CLI's verdict, with the same reason codes, for the
 * demo canary as published, expired (the page's clock moved past the heartbeat's and
 * then the attestation's expiry), with unpinned keys, and tampered on the server. The
 * verifier (openpgp.js) is fetched only when the button is pressed, from this origin.
 */
import { readableInstant } from '../../src/core/dates.ts';
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { candor } from '../helpers/candor-bin.ts';
import { readArchived } from '../../src/io/archive.ts';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import {
  axeSummary,
  axeViolations,
  BUILD_TIMEOUT,
  guardedContext,
  isLocalUrl,
  requireBrowser,
  serveDemoSite,
  startBrowser,
  type BrowserHandle,
  type PageProblems,
  type ServedSite,
} from '../helpers/browser.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;
let context: BrowserContext;
let problems: PageProblems;
let requests: string[] = [];
const notFound: string[] = [];
let attestation: AttestationData;
let heartbeat: HeartbeatData;

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('verify')]);
  attestation = (await readArchived<AttestationData>(path.join(site.site, 'canary.txt'), site.site)).data;
  heartbeat = (await readArchived<HeartbeatData>(path.join(site.site, 'heartbeat.txt'), site.site)).data;
  if (!browser.browser) return;
  ({ context, problems, requests } = await guardedContext(browser.browser));
  context.on('response', (r) => {
    if (r.status() === 404) notFound.push(new URL(r.url()).pathname);
  });
}, BUILD_TIMEOUT);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await site?.close();
});
beforeEach((ctx) => requireBrowser(ctx, browser));

interface Verdict {
  verdict: string;
  reasons: string[];
}

/** candor verify <site> --keys <pins> --json, as shipped, at `now`. */
async function cli(pins: string[], now: Date): Promise<Verdict> {
  const { out } = await candor(['--now', now.toISOString(), 'verify', `${site!.origin}/`, '--keys', pins.join(','), '--json']);
  const json = JSON.parse(out) as { verdict: string; reasons: { code: string }[] };
  return { verdict: json.verdict, reasons: json.reasons.map((r) => r.code).sort() };
}

/** Opens /canary/ with the page clock at `now`, presses the button, reads the verdict. */
async function inBrowser(pins: string[], now: Date): Promise<Verdict & { page: Page }> {
  const page = await context.newPage();
  await page.clock.setFixedTime(now);
  await page.goto(site!.url('/canary/'));
  // Each check a first visit, as the CLI runs without --state: nothing remembered of the log (test/browser/verify-log-memory.test.ts checks the memory).
  await page.evaluate(() => localStorage.clear());
  await page.getByLabel('Fingerprints you trust (one per line)').fill(pins.join('\n'));
  await page.getByRole('button', { name: 'Verify in this browser' }).click();
  const headline = page.locator('[data-verify-result] [data-verdict]');
  await headline.waitFor({ timeout: 30_000 });
  const verdict = (await headline.getAttribute('data-verdict'))!;
  const reasons = ((await headline.getAttribute('data-reasons')) ?? '').split(' ').filter(Boolean).sort();
  return { verdict, reasons, page };
}

const later = (instant: string, ms: number) => new Date(Date.parse(instant) + ms);

describe('verify in this browser', () => {
  it('loads no verifier code until asked; then only from this origin', async () => {
    const page = await context.newPage();
    const before = requests.length;
    await page.goto(site!.url('/canary/'));
    // Only the page script and its tiny shared runtime chunk: not the verifier, not openpgp.js.
    expect(requests.slice(before).filter((u) => /\/assets\/chunks\/(verify-here|document)-/.test(u))).toEqual([]);
    expect(await page.getByRole('button', { name: 'Verify in this browser' }).isVisible()).toBe(true);
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    await page.locator('[data-verify-result] [data-verdict]').waitFor({ timeout: 30_000 });
    const loaded = requests.slice(before);
    expect(loaded.some((u) => /\/assets\/chunks\/verify-here-[\w-]+\.js$/.test(u))).toBe(true);
    expect(loaded.filter((u) => !isLocalUrl(u))).toEqual([]);
    await page.close();
  });

  it('a valid canary: ALIVE, as the CLI says, with the same reason codes', async () => {
    const now = new Date();
    const [here, there] = await Promise.all([inBrowser(site!.pins, now), cli(site!.pins, now)]);
    expect(there.verdict).toBe('alive');
    expect({ verdict: here.verdict, reasons: here.reasons }).toEqual(there);
    expect(await here.page.locator('[data-verify-result] pre').innerText()).toContain('ALIVE: the canary is authentic and fresh.');
    expect(await here.page.locator('[data-expired-note]').isVisible()).toBe(false);
    expect(await here.page.locator('[data-verdict-at-build]').innerText()).toBe('ALIVE: the canary is authentic and fresh.');
    // The page with its verdict shown is as accessible as before.
    expect(axeSummary(await axeViolations(here.page))).toEqual([]);
    await here.page.close();
  });

  it('the heartbeat expired since the build: the page marks it expired, and the check says STALE like the CLI', async () => {
    const now = later(heartbeat.expires, 3_600_000);
    const [here, there] = await Promise.all([inBrowser(site!.pins, now), cli(site!.pins, now)]);
    expect(there).toEqual({ verdict: 'stale', reasons: expect.arrayContaining(['HEARTBEAT_EXPIRED']) });
    expect({ verdict: here.verdict, reasons: here.reasons }).toEqual(there);
    const note = here.page.locator('[data-expired-note]');
    expect(await note.isVisible()).toBe(true);
    expect(await note.innerText()).toContain(`heartbeat ${heartbeat.sequence} expired ${readableInstant(heartbeat.expires)}`);
    expect(await here.page.locator('[data-canary-status]').getAttribute('class')).toBe('status bad');
    // The build said ALIVE; the page now says STALE.
    expect(await here.page.locator('[data-verdict-at-build]').innerText()).toBe(
      'STALE: the canary was not renewed in time. (It was alive when this site was built.)',
    );
    // The home page shows the same status box, and marks it the same way.
    await here.page.goto(site!.url('/'));
    expect(await here.page.locator('[data-expired-note]').isVisible()).toBe(true);
    expect(await here.page.locator('[data-canary-status]').getAttribute('class')).toBe('status bad');
    await here.page.close();
  });

  it('the attestation expired too: both marked, STALE with both reasons, as the CLI', async () => {
    const now = later(attestation.expires, 86_400_000);
    const [here, there] = await Promise.all([inBrowser(site!.pins, now), cli(site!.pins, now)]);
    expect(there.reasons).toEqual(expect.arrayContaining(['ATTESTATION_EXPIRED', 'HEARTBEAT_EXPIRED']));
    expect({ verdict: here.verdict, reasons: here.reasons }).toEqual(there);
    expect(await here.page.locator('[data-canary-status]').innerText()).toMatch(/\(expired\)[\s\S]*\(expired\)/);
    await here.page.close();
  });

  it('keys the reader does not trust: INVALID (KEY_UNPINNED), as the CLI', async () => {
    const stranger = ['0123456789ABCDEF0123456789ABCDEF01234567'];
    const now = new Date();
    const [here, there] = await Promise.all([inBrowser(stranger, now), cli(stranger, now)]);
    expect(there).toEqual({ verdict: 'invalid', reasons: expect.arrayContaining(['KEY_UNPINNED']) });
    expect({ verdict: here.verdict, reasons: here.reasons }).toEqual(there);
    await here.page.close();
  });

  it('a canary tampered on the server (one statement reworded): INVALID, as the CLI', async () => {
    const file = path.join(site!.site, 'canary.txt');
    const genuine = await readFile(file, 'utf8');
    const statement = attestation.statements[0]!.text;
    const reworded = statement.replace(/^(\S+)/, '$1 not');
    await writeFile(file, genuine.replaceAll(statement, reworded));
    try {
      const now = new Date();
      const [here, there] = await Promise.all([inBrowser(site!.pins, now), cli(site!.pins, now)]);
      expect(there.verdict).toBe('invalid');
      expect(there.reasons).toEqual(expect.arrayContaining(['SIGNATURE_BAD']));
      expect({ verdict: here.verdict, reasons: here.reasons }).toEqual(there);
      await here.page.close();
    } finally {
      await writeFile(file, genuine);
    }
  });

  it("the canary log's proof swapped on the server (the heartbeat's given for the canary): INVALID (LOG_PROOF_BAD), as the CLI", async () => {
    const file = path.join(site!.site, 'canary.txt.tlog-proof');
    const genuine = await readFile(file, 'utf8');
    expect(attestation.log, 'the demo canary names its log').toBeDefined();
    await writeFile(file, await readFile(path.join(site!.site, 'heartbeat.txt.tlog-proof'), 'utf8'));
    try {
      const now = new Date();
      const [here, there] = await Promise.all([inBrowser(site!.pins, now), cli(site!.pins, now)]);
      expect(there.verdict).toBe('invalid');
      expect(there.reasons).toEqual(expect.arrayContaining(['LOG_PROOF_BAD']));
      expect({ verdict: here.verdict, reasons: here.reasons }).toEqual(there);
      await here.page.close();
    } finally {
      await writeFile(file, genuine);
    }
  });

  it('no console error, no uncaught exception, no request off this origin during all of it', () => {
    // The one 404: the stranger's key, which the site does not publish (the CLI asks for it too).
    expect(notFound).toEqual(['/keys/0123456789ABCDEF0123456789ABCDEF01234567.asc']);
    const others = problems.messages.filter((m) => !/Failed to load resource: the server responded with a status of 404/.test(m));
    expect(others, others.join('\n')).toEqual([]);
    expect(problems.messages.length - others.length).toBe(1);
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((u) => !isLocalUrl(u))).toEqual([]);
  });
});
