/**
 * What changed in the structured facts, in plain words:
 * "Retention of deleted-mail backups: 45 days → 30 days", "New third party: …".
 * Each entry says it the way the facts table does (./facts-text.ts).
 */
import type { Facts } from './facts.ts';
import * as say from './facts-text.ts';

export type FactArea =
  | 'data'
  | 'not collected'
  | 'purpose'
  | 'processing'
  | 'retention'
  | 'third party'
  | 'recipient'
  | 'disclosure'
  | 'location'
  | 'transfer'
  | 'cookie'
  | 'tracker'
  | 'gpc'
  | 'controller'
  | 'jurisdiction'
  | 'contact';

export interface FactChange {
  kind: 'added' | 'removed' | 'changed';
  area: FactArea;
  subject: string;
  before?: string;
  after?: string;
  /** The sentence shown to readers. */
  text: string;
}

type Keyed = { value: string; label: string };

function byKey<T>(list: T[] | undefined, key: (t: T) => string, value: (t: T) => string): Map<string, Keyed> {
  return new Map((list ?? []).map((t) => [key(t).toLowerCase(), { value: value(t), label: key(t) }]));
}

/** How each area is named: as a title ("Third party"), after "New" ("third party"). */
const NOUN: Record<FactArea, [string, string]> = {
  data: ['Data collected', 'data collected'],
  'not collected': ['Not collected', 'promise not to collect'],
  purpose: ['Purpose', 'purpose'],
  processing: ['Processing', 'processing'],
  retention: ['Retention of', 'retention of'],
  'third party': ['Third party', 'third party'],
  recipient: ['Recipient', 'recipient'],
  disclosure: ['Disclosure', 'disclosure'],
  location: ['Where data is processed', 'where data is processed'],
  transfer: ['Transfer abroad', 'transfer abroad'],
  cookie: ['Cookie', 'cookie'],
  tracker: ['Tracker', 'tracker'],
  gpc: ['Global Privacy Control', 'Global Privacy Control'],
  controller: ['Operator', 'operator'],
  jurisdiction: ['Jurisdiction', 'jurisdiction'],
  contact: ['Contact', 'contact'],
};

/** Areas whose entries are stated for a subject ("Retention of X: …") rather than listed ("New cookie: X (…)"). */
const STATED = new Set<FactArea>(['retention']);

/** "45 days after deletion" → "30 days after deletion" reads as "45 days → 30 days (after deletion)". */
export function arrow(before: string, after: string): string {
  const [b, bEvent] = before.split(' after ');
  const [a, aEvent] = after.split(' after ');
  if (bEvent !== undefined && bEvent === aEvent) return `${b} → ${a} (after ${aEvent})`;
  return `${before} → ${after}`;
}

function removedText(area: FactArea, b: Keyed): string {
  const [Title] = NOUN[area];
  if (STATED.has(area)) return `${Title} ${b.label}: no longer stated (was ${b.value})`;
  if (area === 'not collected') return `No longer promised not to be collected: ${b.label}`;
  return `${Title} removed: ${b.label}`;
}

function addedText(area: FactArea, a: Keyed): string {
  const [Title, lower] = NOUN[area];
  if (STATED.has(area)) return `${Title} ${a.label}: ${a.value} (newly stated)`;
  if (area === 'not collected') return `Newly promised not to be collected: ${a.label}`;
  // A third party's entry is a sentence of its own: "Gravatar (Automattic Inc.) receives …".
  if (area === 'third party') return `New ${lower}: ${a.label} ${a.value}`;
  return `New ${lower}: ${a.label} (${a.value})`;
}

function compare(area: FactArea, before: Map<string, Keyed>, after: Map<string, Keyed>): FactChange[] {
  const changes: FactChange[] = [];
  const [Title] = NOUN[area];
  for (const [k, b] of before) {
    const a = after.get(k);
    if (!a) changes.push({ kind: 'removed', area, subject: b.label, before: b.value, text: removedText(area, b) });
    else if (a.value !== b.value)
      changes.push({ kind: 'changed', area, subject: b.label, before: b.value, after: a.value, text: `${Title} ${b.label}: ${arrow(b.value, a.value)}` });
  }
  for (const [k, a] of after) {
    if (!before.has(k)) changes.push({ kind: 'added', area, subject: a.label, after: a.value, text: addedText(area, a) });
  }
  return changes;
}

function single(area: FactArea, before: string | undefined, after: string | undefined): FactChange[] {
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

const opt = <T>(v: T | undefined, f: (v: T) => string): string | undefined => (v === undefined ? undefined : f(v));

/** Each listed area: how an entry is keyed (case-insensitive) and said. */
function lists(f: Facts): [FactArea, Map<string, Keyed>][] {
  return [
    ['data', byKey(f.dataCollected, (d) => d.what, say.dataText)],
    [
      'not collected',
      byKey(
        f.notCollected,
        (n) => n,
        () => '',
      ),
    ],
    ['purpose', byKey(f.purposes, (p) => p.purpose, say.purposeText)],
    ['processing', byKey(f.processing, (a) => a.activity, say.processingText)],
    ['retention', byKey(f.retention, (r) => r.what, say.retentionText)],
    ['third party', byKey(f.thirdParties, say.partyLabel, say.thirdPartyText)],
    ['recipient', byKey(f.recipients, (r) => r.who, say.recipientText)],
    ['transfer', byKey(f.transfers, say.transferLabel, say.transferText)],
    ['cookie', byKey(f.cookies, say.cookieLabel, say.cookieText)],
    ['tracker', byKey(f.trackers, (t) => t.name, say.trackerText)],
  ];
}

export function diffFacts(before: Facts | undefined, after: Facts | undefined): FactChange[] {
  const b = before ?? {};
  const a = after ?? {};
  const after_ = new Map(lists(a));
  return [
    ...single('controller', opt(b.controller, say.controllerText), opt(a.controller, say.controllerText)),
    ...lists(b).flatMap(([area, was]) => compare(area, was, after_.get(area)!)),
    ...single('disclosure', opt(b.disclosure, say.disclosureText), opt(a.disclosure, say.disclosureText)),
    ...single('location', opt(b.location, say.locationText), opt(a.location, say.locationText)),
    ...single('gpc', opt(b.gpc, say.gpcText), opt(a.gpc, say.gpcText)),
    ...single('jurisdiction', opt(b.jurisdiction, say.jurisdictionText), opt(a.jurisdiction, say.jurisdictionText)),
    ...single('contact', opt(b.contact, say.contactText), opt(a.contact, say.contactText)),
  ];
}
