/**
 * "Verify in this browser": the same input gathering and the same core verifier as
 * `candor verify <site> --keys <pins>`, run on this device. Loaded only when asked,
 * because openpgp.js is most of its weight. Files come from this site only.
 */
import { siteVerifyInput } from '../../core/verify/site-input.ts';
import { verifyCanary } from '../../core/verify/verify-canary.ts';
import { HEADLINE, verdictText } from '../../core/verify/verdict-text.ts';
import { element } from './dom.ts';

async function load(url: string): Promise<Uint8Array | null> {
  const response = await fetch(url, { cache: 'no-store', credentials: 'omit', redirect: 'error' });
  if (response.status === 404) return null;
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return new Uint8Array(await response.arrayBuffer());
}

/** The verdict as page elements: a headline carrying data-verdict, then the CLI's own text. */
export async function verifyHere(base: string, pins: string[], now: Date): Promise<HTMLElement[]> {
  const input = await siteVerifyInput(base, pins, load);
  const result = await verifyCanary(input, { now, skewSeconds: 300 });
  const headline = element('p');
  headline.className = `status ${result.verdict === 'alive' ? 'ok' : 'bad'}`;
  headline.dataset['verdict'] = result.verdict;
  headline.dataset['reasons'] = result.reasons.map((r) => r.code).join(' ');
  const strong = element('strong', HEADLINE[result.verdict]);
  headline.append(strong, ` Checked at ${result.checkedAt} by this device's clock, trusting ${pins.length} fingerprint(s).`);
  return [headline, element('pre', verdictText(result, { showText: false }))];
}
