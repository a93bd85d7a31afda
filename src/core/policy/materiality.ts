/**
 * Which changes of the facts make a version material whatever class it declares: a new
 * data item, third party, cookie, tracker, processing purpose or activity, a new country
 * that data goes to, a retention made longer, or a cookie that lives longer
 * (docs/content.md#policy-rules).
 */
import { countryCode } from '../report/countries.ts';
import type { Facts } from './facts.ts';
import { arrow, diffFacts, type FactArea, type FactChange } from './facts-diff.ts';
import { cookieLabel, countryText, retentionText } from './facts-text.ts';
import { isLonger, parseDuration, totalSpan } from './duration.ts';

const ADDING_IS_MATERIAL = new Set<FactArea>(['data', 'third party', 'cookie', 'tracker', 'purpose', 'processing']);

/** Every country data is said to reach, by code when it is known (a name otherwise), with who takes it there. */
function countries(f: Facts): Map<string, { label: string; via?: string }> {
  const out = new Map<string, { label: string; via?: string }>();
  const add = (written: string, via?: string) => {
    const key = countryCode(written) ?? written.trim().toLowerCase();
    if (!out.has(key)) out.set(key, { label: countryText(written), ...(via ? { via } : {}) });
  };
  for (const c of f.location?.countries ?? []) add(c);
  for (const t of f.transfers ?? []) add(t.country, t.to);
  for (const t of f.thirdParties ?? []) if (t.country) add(t.country, t.name);
  return out;
}

function longerRetention(before: Facts, after: Facts): string[] {
  const was = new Map((before.retention ?? []).map((r) => [r.what.toLowerCase(), r]));
  return (after.retention ?? []).flatMap((r) => {
    const old = was.get(r.what.toLowerCase());
    if (!old || !isLonger(totalSpan([old, ...(old.then ?? [])]), totalSpan([r, ...(r.then ?? [])]))) return [];
    return [`longer retention of ${r.what}: ${arrow(retentionText(old), retentionText(r))}`];
  });
}

/** A cookie kept longer on the reader's device is more data kept: "session" → "1 year", or a stated lifetime → "not stated". */
function longerCookies(before: Facts, after: Facts): string[] {
  const was = new Map((before.cookies ?? []).map((c) => [cookieLabel(c).toLowerCase(), c]));
  return (after.cookies ?? []).flatMap((c) => {
    const old = was.get(cookieLabel(c).toLowerCase());
    if (!old || !isLonger(parseDuration(old.lifetime), parseDuration(c.lifetime))) return [];
    return [`longer cookie lifetime of ${cookieLabel(c)}: ${arrow(old.lifetime, c.lifetime)}`];
  });
}

/**
 * The facts of `after` limited to what `before` already stated: writing down an area for
 * the first time (purposes added to an old policy, or facts to an imported one) records
 * what was already so; from then on, additions to it count.
 */
function statedInBoth(before: Facts, after: Facts): Facts {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(after)) if ((before as Record<string, unknown>)[k] !== undefined) out[k] = v;
  return out;
}

/** The reasons, each a phrase naming the fact: "new third party: Gravatar (Automattic Inc.)". */
export function materialFactChanges(before: Facts | undefined, after: Facts | undefined): string[] {
  if (before === undefined || after === undefined) return [];
  const b = before;
  const a = statedInBoth(before, after);
  const added = diffFacts(b, a).filter((c: FactChange) => c.kind === 'added' && ADDING_IS_MATERIAL.has(c.area));
  const wasIn = countries(b);
  const newCountries = [...countries(a)].filter(([k]) => !wasIn.has(k)).map(([, c]) => `new country data goes to: ${c.label}${c.via ? `, via ${c.via}` : ''}`);
  // A promise taken back: Global Privacy Control was honoured and no longer is (or is no longer stated).
  const gpc = b.gpc === true && after.gpc !== true ? ['Global Privacy Control no longer honoured'] : [];
  return [
    ...added.map((c) => `new ${c.area === 'data' ? 'data item' : c.area}: ${c.subject}`),
    ...newCountries,
    ...longerRetention(b, a),
    ...longerCookies(b, a),
    ...gpc,
  ];
}
