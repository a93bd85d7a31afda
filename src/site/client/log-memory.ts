/**
 * What this browser remembers of a site's canary log between visits (docs/canary.md#in-the-browser):
 * the newest checkpoint that verified, in this origin's localStorage under the site's base URL.
 * It stays on this device; nothing is sent anywhere. What to remember is the core's rule
 * (checkpointToRemember, the same as `candor verify --state`); this file only keeps it.
 *
 * Storage may be missing, blocked (private mode, a browser setting) or full: that is never an
 * error. The check then runs without memory and says so.
 */
import { readableInstant } from '../../core/dates.ts';

export interface Remembered {
  /** The signed checkpoint, as served (with any cosignatures). */
  checkpoint: string;
  origin: string;
  size: number;
  root: string;
  /** When it verified, by this device's clock. */
  seen: string;
}

export type Recall =
  | { status: 'none' }
  | { status: 'remembered'; remembered: Remembered }
  /** Something is stored under this site's key that this verifier did not write: not used, not replaced. */
  | { status: 'unreadable' }
  /** No storage at all: why. */
  | { status: 'unavailable'; why: string };

const PREFIX = 'candor:canary-log:';
const VERSION = 1;

const keyFor = (base: string) => `${PREFIX}${new URL(base).href}`;

const why = (error: unknown) => (error instanceof Error ? `${error.name}: ${error.message}` : String(error));

/** This origin's localStorage, or why there is none. Reading the property itself throws when storage is blocked. */
function storage(): Storage | string {
  try {
    const s = window.localStorage as Storage | null | undefined;
    return s ?? 'this browser offers no local storage';
  } catch (error) {
    return why(error);
  }
}

function isRemembered(v: unknown): v is Remembered & { version: number } {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return (
    r['version'] === VERSION &&
    typeof r['checkpoint'] === 'string' &&
    typeof r['origin'] === 'string' &&
    typeof r['size'] === 'number' &&
    typeof r['root'] === 'string' &&
    typeof r['seen'] === 'string'
  );
}

/** What this browser remembers for the site at `base`. */
export function recall(base: string): Recall {
  const s = storage();
  if (typeof s === 'string') return { status: 'unavailable', why: s };
  let text: string | null;
  try {
    text = s.getItem(keyFor(base));
  } catch (error) {
    return { status: 'unavailable', why: why(error) };
  }
  if (text === null) return { status: 'none' };
  try {
    const parsed: unknown = JSON.parse(text);
    if (!isRemembered(parsed)) return { status: 'unreadable' };
    const { checkpoint, origin, size, root, seen } = parsed;
    return { status: 'remembered', remembered: { checkpoint, origin, size, root, seen } };
  } catch {
    return { status: 'unreadable' };
  }
}

/** Stores the checkpoint for the site; undefined when it was stored, else why not (storage full or blocked). */
export function remember(base: string, r: Remembered): string | undefined {
  const s = storage();
  if (typeof s === 'string') return s;
  try {
    s.setItem(keyFor(base), JSON.stringify({ version: VERSION, ...r }));
    return undefined;
  } catch (error) {
    return why(error);
  }
}

/** Forgets what this browser remembers for the site; undefined when done, else why not. */
export function forget(base: string): string | undefined {
  const s = storage();
  if (typeof s === 'string') return s;
  try {
    s.removeItem(keyFor(base));
    return undefined;
  } catch (error) {
    return why(error);
  }
}

/** One sentence for the reader: what is remembered, and where. */
export function describeMemory(recalled: Recall): string {
  switch (recalled.status) {
    case 'none':
      return 'This browser remembers nothing of this canary log yet. After a check that verifies, it keeps the checkpoint, on this device only.';
    case 'remembered': {
      const r = recalled.remembered;
      return `This browser remembers the log ${r.origin} at ${r.size} entries (root ${r.root}), verified ${readableInstant(r.seen)}, stored on this device only. The next check here must find the log grown from it.`;
    }
    case 'unreadable':
      return 'This browser has something stored for this canary log that this verifier cannot read: it is neither used nor replaced. Forget it to start over.';
    case 'unavailable':
      return `This browser keeps nothing for this site (${recalled.why}): each check runs without memory, so a log rolled back or forked since an earlier visit would go unnoticed. candor verify --state remembers between runs.`;
  }
}
