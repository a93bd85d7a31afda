/**
 * "Verify in this browser": the same input gathering and the same core verifier as
 * `candor verify <site> --keys <pins>`, run on this device. Loaded only when asked,
 * because openpgp.js is most of its weight. Files come from this site only, within the
 * limits the CLI keeps (README "Resource limits").
 */
import { LIMITS, byteLimit, type FetchKind } from '../../core/verify/limits.ts';
import { siteVerifyInput, type Load } from '../../core/verify/site-input.ts';
import { verifyCanary } from '../../core/verify/verify-canary.ts';
import { HEADLINE, verdictText } from '../../core/verify/verdict-text.ts';
import { element } from './dom.ts';

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

/** The verdict as page elements: a headline carrying data-verdict, then the CLI's own text. */
export async function verifyHere(base: string, pins: string[], now: Date, automated: string[] = []): Promise<HTMLElement[]> {
  const input = await siteVerifyInput(base, { pins, automated }, siteLoader());
  const result = await verifyCanary(input, { now, skewSeconds: 300 });
  const headline = element('p');
  headline.className = `status ${result.verdict === 'alive' ? 'ok' : 'bad'}`;
  headline.dataset['verdict'] = result.verdict;
  headline.dataset['reasons'] = result.reasons.map((r) => r.code).join(' ');
  const strong = element('strong', HEADLINE[result.verdict]);
  headline.append(strong, ` Checked at ${result.checkedAt} by this device's clock, trusting ${pins.length} fingerprint(s).`);
  return [headline, element('pre', verdictText(result, { showText: false }))];
}
