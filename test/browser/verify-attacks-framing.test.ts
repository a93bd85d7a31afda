/**
 * "Verify in this browser" against issue 11's classes 1, 2 and 8: the demo site served
 * with its canary.txt, heartbeat.txt or a signer's key replaced by an attack file. The
 * page (openpgp.js alone) must give the verdict and reason codes of the shipped CLI
 * (`candor verify <site> --keys <pins> --json`, which takes the fast path), and that
 * verdict must be INVALID for the reason the attack calls for.
 */
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import * as openpgp from 'openpgp';
import type { BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { frameCleartext } from '../../src/core/pgp/framing.ts';
import { readSigningKey } from '../../src/io/keyring.ts';
import { FRAMING_ATTACKS } from '../helpers/attacks.ts';
import {
  BUILD_TIMEOUT,
  guardedContext,
  isLocalUrl,
  requireBrowser,
  serveDemoSite,
  startBrowser,
  type BrowserHandle,
  type ServedSite,
} from '../helpers/browser.ts';
import { candor } from '../helpers/candor-bin.ts';
import { revokeUserID } from '../helpers/keys.ts';
import { craftSignature, expiration } from '../helpers/packets.ts';

let browser: BrowserHandle | undefined;
let site: ServedSite | undefined;
let context: BrowserContext;
let requests: string[] = [];
let genuine: { canary: string; heartbeat: string };
/** When the genuine heartbeat was signed: every check runs two hours later, inside its lifetime. */
let signedAt: Date;

const HOUR = 3_600_000;
const file = (name: string) => path.join(site!.site, name);

beforeAll(async () => {
  [browser, site] = await Promise.all([startBrowser(), serveDemoSite('verify-attacks')]);
  genuine = { canary: await readFile(file('canary.txt'), 'utf8'), heartbeat: await readFile(file('heartbeat.txt'), 'utf8') };
  const message = await openpgp.readCleartextMessage({ cleartextMessage: genuine.heartbeat });
  signedAt = (message as unknown as { signature: openpgp.Signature }).signature.packets[0]!.created!;
  if (!browser.browser) return;
  ({ context, requests } = await guardedContext(browser.browser));
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

async function cli(now: Date): Promise<Verdict & { code: number }> {
  const { out, code } = await candor(['verify', `${site!.origin}/`, '--keys', site!.pins.join(','), '--json', '--now', now.toISOString()]);
  const json = JSON.parse(out) as { verdict: string; reasons: { code: string }[] };
  return { code, verdict: json.verdict, reasons: json.reasons.map((r) => r.code).sort() };
}

async function inBrowser(now: Date): Promise<Verdict> {
  const page = await context.newPage();
  try {
    await page.clock.setFixedTime(now);
    await page.goto(site!.url('/canary/'));
    // A first visit, as the CLI runs without --state: nothing remembered of the log.
    await page.evaluate(() => localStorage.clear());
    await page.getByLabel('Fingerprints you trust (one per line)').fill(site!.pins.join('\n'));
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    const headline = page.locator('[data-verify-result] [data-verdict]');
    await headline.waitFor({ timeout: 30_000 });
    const reasons = ((await headline.getAttribute('data-reasons')) ?? '').split(' ').filter(Boolean).sort();
    return { verdict: (await headline.getAttribute('data-verdict'))!, reasons };
  } finally {
    await page.close();
  }
}

/** Serves `files` (site path -> content) in place of the genuine ones, checks both verifiers, restores. */
async function bothOn(files: Record<string, string>): Promise<Verdict & { code: number }> {
  const before = Object.fromEntries(await Promise.all(Object.keys(files).map(async (f) => [f, await readFile(file(f), 'utf8')] as const)));
  await Promise.all(Object.entries(files).map(([f, content]) => writeFile(file(f), content)));
  try {
    const now = new Date(signedAt.getTime() + 2 * HOUR);
    const [here, there] = await Promise.all([inBrowser(now), cli(now)]);
    expect(here, 'the browser and the CLI disagree').toEqual({ verdict: there.verdict, reasons: there.reasons });
    return there;
  } finally {
    await Promise.all(Object.entries(before).map(([f, content]) => writeFile(file(f), content)));
  }
}

describe('verify in this browser, against attack files', () => {
  it('the genuine site: ALIVE in both (the baseline)', async () => {
    expect(await bothOn({})).toMatchObject({ code: 0, verdict: 'alive' });
  });

  // Every framing attack: the lone "=" one once got SIGNATURE_BAD in the page and TEXT_OUTSIDE_SIGNED
  // from the CLI (openpgp.js decodes base64 through atob in a browser, through Buffer in Node).
  it.each(FRAMING_ATTACKS)('canary.txt with $name: INVALID ($code), as the CLI', async ({ attack, code }) => {
    const r = await bothOn({ 'canary.txt': await attack(genuine.canary) });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.reasons).toContain(code);
  });

  it.each(FRAMING_ATTACKS.filter((a) => a.name.startsWith('a line of text after') || a.name.startsWith('a fake armor pair')))(
    'heartbeat.txt with $name: INVALID ($code), as the CLI',
    async ({ attack, code }) => {
      const r = await bothOn({ 'heartbeat.txt': await attack(genuine.heartbeat) });
      expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
      expect(r.reasons).toContain(code);
    },
  );

  it('heartbeat.txt re-signed by the CI key with a signature that has expired: SIGNATURE_EXPIRED, as the CLI', async () => {
    const ci = site!.keys[2]!;
    const privateKey = await readSigningKey({ keyFile: ci.file, passphraseFile: site!.passphraseFile }, {});
    const text = (await openpgp.readCleartextMessage({ cleartextMessage: genuine.heartbeat })).getText();
    const packet = craftSignature(text, { privateKey, publicKey: privateKey.toPublic() }, { created: signedAt, extraHashed: [expiration(HOUR / 1000, true)] });
    const r = await bothOn({ 'heartbeat.txt': frameCleartext(text, ['SHA512'], packet) });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.reasons).toContain('SIGNATURE_EXPIRED');
  });

  it("a signer's published key with its only user ID revoked: KEY_USER_ID_REVOKED, not KEY_EXPIRED, as the CLI", async () => {
    const signer = site!.keys[1]!;
    const privateKey = await readSigningKey({ keyFile: signer.file, passphraseFile: site!.passphraseFile }, {});
    const revoked = await revokeUserID({ privateKey, publicKey: privateKey.toPublic() }, new Date(signedAt.getTime() - 24 * HOUR));
    const r = await bothOn({ [`keys/${signer.fingerprint}.asc`]: revoked.armor() });
    expect(r).toMatchObject({ code: 3, verdict: 'invalid' });
    expect(r.reasons).toContain('KEY_USER_ID_REVOKED');
    expect(r.reasons).not.toContain('KEY_EXPIRED');
  });

  it('asked nothing of any other origin', () => {
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((u) => !isLocalUrl(u))).toEqual([]);
  });
});
