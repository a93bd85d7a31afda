/**
 * "Verify in this browser" against the attacks of issue 11 that concern trust and
 * resources (classes 4, 6, 7): the demo site, served under its own name over https
 * (https://lumen-mail.example/, through a local forward proxy, with a test certificate
 * authority: test/helpers/tls.ts), with forged or hostile files
 * in place of the genuine ones. For each, the browser's verdict and reason codes equal
 * `candor verify https://lumen-mail.example/ --json` (the shipped CLI, through the same
 * proxy); nothing is fetched from another host, and what an unverified attestation lists
 * is not fetched at all.
 */
import path from 'node:path';
import os from 'node:os';
import { mkdtemp, rm } from 'node:fs/promises';
import { request, type IncomingMessage, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import type { Browser, BrowserContext } from 'playwright-core';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { renderDocument } from '../../src/core/canary/document.ts';
import type { AttestationData, CanaryData, HeartbeatData } from '../../src/core/canary/model.ts';
import { canonicalJson, documentHash } from '../../src/core/canonical.ts';
import { signDocument } from '../../src/core/pgp/sign.ts';
import { readArchived, type ArchivedDocument } from '../../src/io/archive.ts';
import { readSigningKey } from '../../src/io/keyring.ts';
import { candor } from '../helpers/candor-bin.ts';
import {
  BUILD_TIMEOUT,
  CHROMIUM_ARGS,
  chromiumExecutable,
  requireBrowser,
  serveDemoSite,
  watchConsole,
  type BrowserHandle,
  type PageProblems,
  type ServedSite,
} from '../helpers/browser.ts';
import { startHostProxy, type HostProxy } from '../helpers/host-proxy.ts';
import { makeTestCertificate, type TestCertificate } from '../helpers/tls.ts';

const ORIGIN = 'https://lumen-mail.example';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let site: ServedSite | undefined;
let browser: BrowserHandle | undefined;
let context: BrowserContext;
let problems: PageProblems;
let proxy: HostProxy;
let front: { url: string; hits: string[]; override: Map<string, Handler>; close(): Promise<void> };
let evil: { url: string; hits: string[]; close(): Promise<void> };
let attestation: ArchivedDocument<AttestationData>;
let heartbeat: ArchivedDocument<HeartbeatData>;
const requested: string[] = [];
let tlsDir: string;
let tls: TestCertificate;

/** The demo site behind a front server (https) whose paths a test can take over. */
async function frontServer(upstream: string) {
  const hits: string[] = [];
  const override = new Map<string, Handler>();
  const sockets = new Set<Socket>();
  const server = createTlsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    hits.push(req.url ?? '/');
    const own = override.get((req.url ?? '/').split('?')[0]!);
    if (own) return own(req, res);
    const up = request(`${upstream}${req.url ?? '/'}`, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    override,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Chromium through the proxy. */
async function launch(proxyUrl: string): Promise<BrowserHandle> {
  try {
    const { chromium } = await import('playwright-core');
    const b: Browser = await chromium.launch({
      executablePath: await chromiumExecutable(),
      args: [...CHROMIUM_ARGS, `--proxy-server=${proxyUrl}`],
      headless: true,
      timeout: 60_000,
    });
    return { browser: b, reason: null, close: () => b.close() };
  } catch (error) {
    return { browser: null, reason: `headless Chromium did not start: ${(error as Error).message.split('\n')[0]}`, close: async () => undefined };
  }
}

beforeAll(async () => {
  tlsDir = await mkdtemp(path.join(os.tmpdir(), 'candor-tls-'));
  tls = await makeTestCertificate(tlsDir, ['lumen-mail.example', 'evil.example']);
  site = await serveDemoSite('attacks-trust');
  attestation = await readArchived<AttestationData>(path.join(site.site, 'canary.txt'), site.site);
  heartbeat = await readArchived<HeartbeatData>(path.join(site.site, 'heartbeat.txt'), site.site);
  front = await frontServer(site.origin);
  const evilHits: string[] = [];
  const evilServer = createTlsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    evilHits.push(req.url ?? '/');
    res.end('anything');
  });
  await new Promise<void>((resolve) => evilServer.listen(0, '127.0.0.1', resolve));
  evil = {
    url: `https://127.0.0.1:${(evilServer.address() as AddressInfo).port}`,
    hits: evilHits,
    close: () => new Promise((r) => evilServer.close(() => r())),
  };
  proxy = await startHostProxy({ 'lumen-mail.example': front.url, 'evil.example': evil.url });
  browser = await launch(proxy.url);
  if (!browser.browser) return;
  // The test authority is not Chromium's: its certificate errors are ignored (the page is still a secure origin).
  context = await browser.browser.newContext({ ignoreHTTPSErrors: true });
  problems = watchConsole(context);
  context.on('request', (r) => requested.push(r.url()));
}, BUILD_TIMEOUT);
afterAll(async () => {
  await context?.close();
  await browser?.close();
  await proxy?.close();
  await front?.close();
  await evil?.close();
  await site?.close();
  if (tlsDir) await rm(tlsDir, { recursive: true, force: true });
});
beforeEach((ctx) => requireBrowser(ctx, browser));

const signerPins = () => site!.pins;
const ciKey = () => site!.keys[2]!;

/** Signs data (rendered as the verifier renders it, or given as text) with demo keys. */
async function sign(data: CanaryData | string, who: number[], now = new Date()): Promise<string> {
  const keys = await Promise.all(who.map((i) => readSigningKey({ keyFile: site!.keys[i]!.file, passphraseFile: site!.passphraseFile }, {})));
  return signDocument(typeof data === 'string' ? data : renderDocument(data), keys, { now });
}

const serveText = (pathname: string, body: string) =>
  front.override.set(pathname, (_, res) => res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(body));

interface Verdict {
  verdict: string;
  reasons: string[];
}

async function cli(pins: string[]): Promise<Verdict & { code: number; err: string }> {
  const r = await candor(['verify', `${ORIGIN}/`, '--keys', pins.join(','), '--json', '--now', new Date().toISOString()], {
    env: { ...proxy.env, NODE_EXTRA_CA_CERTS: tls.caFile },
  });
  if (!r.out) return { verdict: 'error', reasons: [], code: r.code, err: r.err };
  const json = JSON.parse(r.out) as { verdict: string; reasons: { code: string }[] };
  return { verdict: json.verdict, reasons: json.reasons.map((x) => x.code).sort(), code: r.code, err: r.err };
}

async function inBrowser(pins: string[]): Promise<Verdict & { text: string }> {
  const page = await context.newPage();
  try {
    await page.goto(`${ORIGIN}/canary/`);
    // A first visit, as the CLI runs without --state: nothing remembered of the log.
    await page.evaluate(() => localStorage.clear());
    await page.getByLabel('Fingerprints you trust (one per line)').fill(pins.join('\n'));
    await page.getByRole('button', { name: 'Verify in this browser' }).click();
    const headline = page.locator('[data-verify-result] [data-verdict]');
    await headline.waitFor({ timeout: 60_000 });
    return {
      verdict: (await headline.getAttribute('data-verdict'))!,
      reasons: ((await headline.getAttribute('data-reasons')) ?? '').split(' ').filter(Boolean).sort(),
      text: await page.locator('[data-verify-result]').innerText(),
    };
  } finally {
    await page.close();
  }
}

/** Runs both with the attack in place, then puts the genuine files back. */
async function both(pins: string[], attack: () => Promise<void>) {
  await attack();
  try {
    const [here, there] = await Promise.all([inBrowser(pins), cli(pins)]);
    return { here, there };
  } finally {
    front.override.clear();
  }
}

const sameAsCli = (here: Verdict, there: Verdict) =>
  expect({ verdict: here.verdict, reasons: here.reasons }).toEqual({ verdict: there.verdict, reasons: there.reasons });

describe('verify in this browser, under attack', () => {
  it('the genuine canary under its own name: ALIVE in both, no service reason', async () => {
    const { here, there } = await both(signerPins(), async () => undefined);
    expect(there.verdict).toBe('alive');
    expect(there.reasons.filter((c) => c.startsWith('SERVICE_'))).toEqual([]);
    sameAsCli(here, there);
  });

  it("class 4: the CI key's year-long attestation naming itself the only signer, the CI fingerprint pasted as a pin: HEARTBEAT_KEY_AS_SIGNER", async () => {
    // Issued now: the demo keys were made when the site was built, a moment ago.
    const issued = new Date(Math.floor(Date.now() / 1000) * 1000);
    const ci = { name: ciKey().name, fingerprint: ciKey().fingerprint };
    const forged: AttestationData = {
      ...attestation.data,
      sequence: attestation.data.sequence + 1,
      previous: null,
      signers: { threshold: 1, keys: [ci] },
      issued: issued.toISOString().replace(/\.\d{3}Z$/, 'Z'),
      expires: new Date(issued.getTime() + 365 * 86_400_000).toISOString().replace(/\.\d{3}Z$/, 'Z'),
    };
    const { here, there } = await both([ci.fingerprint], async () => {
      serveText('/canary.txt', await sign(forged, [2], issued));
    });
    expect(there.reasons).toContain('HEARTBEAT_KEY_AS_SIGNER');
    expect(there.verdict).toBe('invalid');
    sameAsCli(here, there);
  });

  it("class 6: another service's canary signed by the same people: SERVICE_MISMATCH", async () => {
    const vpn: AttestationData = { ...attestation.data, service: { name: 'Lumen VPN', url: 'https://lumen-vpn.example' } };
    const { here, there } = await both(signerPins(), async () => {
      serveText('/canary.txt', await sign(vpn, [0, 1], new Date(attestation.data.issued)));
    });
    expect(there.reasons).toContain('SERVICE_MISMATCH');
    expect(there.verdict).toBe('invalid');
    sameAsCli(here, there);
  });

  it('class 6: a statement with a right-to-left override: TEXT_DECEPTIVE', async () => {
    const statements = attestation.data.statements.map((s, i) => (i === 0 ? { ...s, text: `We have \u202Eton\u202C received ${s.text}` } : s));
    const { here, there } = await both(signerPins(), async () => {
      serveText('/canary.txt', await sign({ ...attestation.data, statements }, [0, 1], new Date(attestation.data.issued)));
    });
    expect(there.reasons).toContain('TEXT_DECEPTIVE');
    sameAsCli(here, there);
  });

  it('class 6: "1 of 2" signed by one key: ALIVE, with the THRESHOLD_SINGLE warning shown first', async () => {
    // Without the demo's log: a new attestation is not in its log (that is LOG_PROOF_BAD, an attack of its own).
    const { log: _log, ...unlogged } = attestation.data;
    const lone: AttestationData = { ...unlogged, signers: { ...attestation.data.signers, threshold: 1 } };
    const signed = await sign(lone, [0], new Date(attestation.data.issued));
    // The heartbeat confirms the attestation it names by hash: a new one for the new attestation.
    const hb = await sign(
      { ...heartbeat.data, attestation: { sequence: lone.sequence, hash: await documentHash(renderDocument(lone)) } },
      [2],
      new Date(heartbeat.data.issued),
    );
    const { here, there } = await both(signerPins(), async () => {
      serveText('/canary.txt', signed);
      serveText('/heartbeat.txt', hb);
    });
    expect(there.reasons).toContain('THRESHOLD_SINGLE');
    expect(there.verdict).toBe('alive');
    sameAsCli(here, there);
    expect(here.text).toMatch(/ALIVE: the canary is authentic and fresh\.\s+WARNING THRESHOLD_SINGLE/);
  });

  it('class 7: a heartbeat nested 100,000 deep: FORMAT_INVALID in both, no crash', async () => {
    const json = canonicalJson({ ...heartbeat.data, freshness: '__DEEP__' }).replace('"__DEEP__"', `${'['.repeat(100_000)}${']'.repeat(100_000)}`);
    const text = heartbeat.text.slice(0, heartbeat.text.indexOf('{\n  "attestation"')) + `${json}\n`;
    const { here, there } = await both(signerPins(), async () => {
      serveText('/heartbeat.txt', await sign(text, [2], new Date(heartbeat.data.issued)));
    });
    expect(there.reasons).toContain('FORMAT_INVALID');
    sameAsCli(here, there);
  });

  it('class 7: a document listed by absolute URL on another host: DOCUMENT_PATH_INVALID, and that host is never asked', async () => {
    const listed: AttestationData = {
      ...attestation.data,
      documents: [...attestation.data.documents, { path: 'https://evil.example/policy.md', sha256: `sha256:${'0'.repeat(64)}` }],
    };
    const before = { evil: evil.hits.length, requested: requested.length };
    const { here, there } = await both(signerPins(), async () => {
      serveText('/canary.txt', await sign(listed, [0, 1], new Date(attestation.data.issued)));
    });
    expect(there.reasons).toContain('DOCUMENT_PATH_INVALID');
    sameAsCli(here, there);
    expect(evil.hits.length).toBe(before.evil);
    expect(requested.slice(before.requested).filter((u) => !u.startsWith(`${ORIGIN}/`))).toEqual([]);
  });

  it('class 7: an attestation signed by no key the reader trusts, listing 400 documents: none is fetched', async () => {
    const documents = Array.from({ length: 400 }, (_, i) => ({ path: `d/${i}.md`, sha256: `sha256:${'0'.repeat(64)}` }));
    const forged: AttestationData = { ...attestation.data, signers: { threshold: 1, keys: [{ name: 'CI', fingerprint: ciKey().fingerprint }] }, documents };
    const before = front.hits.length;
    const { here, there } = await both(signerPins(), async () => {
      serveText('/canary.txt', await sign(forged, [2], new Date(attestation.data.issued)));
    });
    expect(there.verdict).toBe('invalid');
    sameAsCli(here, there);
    expect(front.hits.slice(before).filter((h) => h.startsWith('/documents/d/'))).toEqual([]);
  });

  it('class 7: an endless canary body: the browser stops at the limit and says so; the CLI exits 69', async () => {
    const chunk = 'x'.repeat(64 * 1024);
    const { here, there } = await both(signerPins(), async () => {
      front.override.set('/canary.txt', (_, res) => {
        res.writeHead(200);
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
        };
        res.on('drain', pump);
        pump();
      });
    });
    expect(there.code).toBe(69);
    expect(there.err).toContain('too large');
    expect(here.verdict).toBe('error');
    expect(here.text).toContain('larger than');
  });

  it('no uncaught exception in the page during all of it', () => {
    const uncaught = problems.messages.filter((m) => m.includes('uncaught'));
    expect(uncaught).toEqual([]);
  });
});
