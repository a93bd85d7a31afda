/**
 * What changed in the structured facts, in plain words:
 * "Retention of deleted-mail backups: 45 days → 30 days", "New third party: …".
 */
import type { Facts } from './model.ts';

export interface FactChange {
  kind: 'added' | 'removed' | 'changed';
  area: 'data' | 'retention' | 'third party' | 'cookie' | 'tracker' | 'jurisdiction' | 'contact';
  subject: string;
  before?: string;
  after?: string;
  /** The sentence shown to readers. */
  text: string;
}

type Keyed = { key: string; value: string; label: string };

function byKey<T>(list: T[] | undefined, key: (t: T) => string, value: (t: T) => string): Map<string, Keyed> {
  return new Map((list ?? []).map((t) => [key(t).toLowerCase(), { key: key(t), value: value(t), label: key(t) }]));
}

const NOUN: Record<FactChange['area'], [string, string]> = {
  data: ['Data collected', 'data collected'],
  retention: ['Retention of', 'retention of'],
  'third party': ['Third party', 'third party'],
  cookie: ['Cookie', 'cookie'],
  tracker: ['Tracker', 'tracker'],
  jurisdiction: ['Jurisdiction', 'jurisdiction'],
  contact: ['Contact', 'contact'],
};

/** "45 days after deletion" → "30 days after deletion" reads as "45 days → 30 days (after deletion)". */
function arrow(before: string, after: string): string {
  const [b, bEvent] = before.split(' after ');
  const [a, aEvent] = after.split(' after ');
  if (bEvent !== undefined && bEvent === aEvent) return `${b} → ${a} (after ${aEvent})`;
  return `${before} → ${after}`;
}

function compare(area: FactChange['area'], before: Map<string, Keyed>, after: Map<string, Keyed>): FactChange[] {
  const changes: FactChange[] = [];
  const [Title, lower] = NOUN[area];
  for (const [k, b] of before) {
    const a = after.get(k);
    if (!a)
      changes.push({
        kind: 'removed',
        area,
        subject: b.label,
        before: b.value,
        text: area === 'retention' ? `${Title} ${b.label}: no longer stated (was ${b.value})` : `${Title} removed: ${b.label}`,
      });
    else if (a.value !== b.value)
      changes.push({ kind: 'changed', area, subject: b.label, before: b.value, after: a.value, text: `${Title} ${b.label}: ${arrow(b.value, a.value)}` });
  }
  for (const [k, a] of after) {
    if (!before.has(k))
      changes.push({
        kind: 'added',
        area,
        subject: a.label,
        after: a.value,
        text: area === 'retention' ? `${Title} ${a.label}: ${a.value} (newly stated)` : `New ${lower}: ${a.label} (${a.value})`,
      });
  }
  return changes;
}

function single(area: 'jurisdiction' | 'contact', before: string | undefined, after: string | undefined): FactChange[] {
  if (before === after) return [];
  const [Title] = NOUN[area];
  return [
    {
      kind: before === undefined ? 'added' : after === undefined ? 'removed' : 'changed',
      area,
      subject: Title,
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      text: `${Title}: ${before ?? 'not stated'} → ${after ?? 'not stated'}`,
    },
  ];
}

const contactText = (c: Facts['contact']): string | undefined => (c ? [c.email, c.address, c.url].filter(Boolean).join(', ') : undefined);

export function diffFacts(before: Facts | undefined, after: Facts | undefined): FactChange[] {
  const b = before ?? {};
  const a = after ?? {};
  return [
    ...compare(
      'data',
      byKey(
        b.dataCollected,
        (d) => d.what,
        (d) => `${d.why}${d.legalBasis ? `; basis: ${d.legalBasis}` : ''}`,
      ),
      byKey(
        a.dataCollected,
        (d) => d.what,
        (d) => `${d.why}${d.legalBasis ? `; basis: ${d.legalBasis}` : ''}`,
      ),
    ),
    ...compare(
      'retention',
      byKey(
        b.retention,
        (r) => r.what,
        (r) => `${r.period}${r.after ? ` after ${r.after}` : ''}`,
      ),
      byKey(
        a.retention,
        (r) => r.what,
        (r) => `${r.period}${r.after ? ` after ${r.after}` : ''}`,
      ),
    ),
    ...compare(
      'third party',
      byKey(
        b.thirdParties,
        (t) => t.name,
        (t) => `${t.role}; receives ${t.receives.join(', ')}${t.country ? `; ${t.country}` : ''}`,
      ),
      byKey(
        a.thirdParties,
        (t) => t.name,
        (t) => `${t.role}; receives ${t.receives.join(', ')}${t.country ? `; ${t.country}` : ''}`,
      ),
    ),
    ...compare(
      'cookie',
      byKey(
        b.cookies,
        (c) => c.name,
        (c) => `${c.purpose}, set by ${c.setBy}, ${c.lifetime}`,
      ),
      byKey(
        a.cookies,
        (c) => c.name,
        (c) => `${c.purpose}, set by ${c.setBy}, ${c.lifetime}`,
      ),
    ),
    ...compare(
      'tracker',
      byKey(
        b.trackers,
        (t) => t.name,
        (t) => t.purpose,
      ),
      byKey(
        a.trackers,
        (t) => t.name,
        (t) => t.purpose,
      ),
    ),
    ...single('jurisdiction', b.jurisdiction, a.jurisdiction),
    ...single('contact', contactText(b.contact), contactText(a.contact)),
  ];
}
