/**
 * Keeps a built page's canary status true after the build: every <time data-expires>
 * already past by this device's clock is marked expired, its status box turns red, and
 * a note says so. Without JavaScript the page still says when it was built.
 */

import { readableInstant } from '../../core/dates.ts';
import { HEADLINE } from '../../core/verify/verdict-text.ts';

const STALE = HEADLINE.stale;

/** The expiry instants on the page that are past at `now`. */
export function expiredTimes(root: ParentNode, now: number): HTMLTimeElement[] {
  return [...root.querySelectorAll<HTMLTimeElement>('time[data-expires]')].filter((t) => Date.parse(t.dateTime) <= now);
}

export function markExpired(root: Document, now: number): number {
  const expired = expiredTimes(root, now);
  for (const time of expired) {
    if (time.dataset['marked'] === 'yes') continue;
    time.dataset['marked'] = 'yes';
    time.insertAdjacentText('afterend', ' (expired)');
    const box = time.closest('.status');
    box?.classList.replace('ok', 'bad');
    // A canary alive at build time but expired now is stale, whatever the build said.
    const verdict = box?.querySelector<HTMLElement>('[data-verdict-at-build="alive"]');
    if (verdict) verdict.textContent = `${STALE} (It was alive when this site was built.)`;
  }
  const note = root.querySelector<HTMLElement>('[data-expired-note]');
  if (note && expired.length > 0) {
    const what = expired.map((t) => `${t.dataset['expires']} expired ${readableInstant(t.dateTime)}`).join('; ');
    note.textContent = `Expired since this page was built: ${what}. By this device's clock it is now ${readableInstant(new Date(now))}. Do not rely on this canary until a renewed one is published; verify it below.`;
    note.hidden = false;
  }
  return expired.length;
}
