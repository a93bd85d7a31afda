/**
 * Each fact in plain words, one phrase per entry: the site's facts table and the facts
 * diff say the same thing the same way. Countries written as codes read as names.
 */
import { countryCode, countryName } from '../report/countries.ts';
import type { Facts, RetentionStep } from './facts.ts';

type Of<K extends keyof Facts> = NonNullable<Facts[K]>;
type Item<K extends keyof Facts> = Of<K> extends (infer T)[] ? T : never;

/** "Germany" for DE; a name written as a name stays as written. */
export function countryText(written: string): string {
  return /^[A-Za-z]{2}$/.test(written.trim()) ? countryName(countryCode(written) ?? written) : written;
}

const basis = (b: string | undefined): string => (b ? `; basis: ${b}` : '');

export const dataText = (d: Item<'dataCollected'>): string => `${d.why ?? 'purpose stated under purposes'}${basis(d.legalBasis)}`;

export const purposeText = (p: Item<'purposes'>): string => `${p.data ? `for ${p.data.join(', ')}` : 'for all data collected'}${basis(p.legalBasis)}`;

export function processingText(a: Item<'processing'>): string {
  const parts = [
    a.data ? `reads ${a.data.join(', ')}` : undefined,
    a.purpose,
    a.automated === true ? 'automated' : a.automated === false ? 'done by people' : undefined,
    a.profiling === false ? 'no profiling' : a.profiling === true ? 'builds profiles' : undefined,
  ];
  return parts.filter(Boolean).join('; ') || 'stated';
}

function stepText(s: RetentionStep): string {
  const reasons = [s.requiredBy ? `required by ${s.requiredBy}` : undefined, s.why].filter(Boolean);
  return `${s.period}${s.after ? ` after ${s.after}` : ''}${reasons.length ? ` (${reasons.join('; ')})` : ''}`;
}

/** "365 days after the account is closed (required by Belgian law), then 30 days". */
export const retentionText = (r: Item<'retention'>): string => [stepText(r), ...(r.then ?? []).map(stepText)].join(', then ');

/** The name as readers know it, with the company behind it: "Gravatar (Automattic Inc.)". */
export const partyLabel = (t: Item<'thirdParties'>): string => (t.operator && !t.name.includes(t.operator) ? `${t.name} (${t.operator})` : t.name);

/** "receives a hash of the sender's address when you read mail (Sender pictures, third party, United States of America)". */
export function thirdPartyText(t: Item<'thirdParties'>): string {
  const about = [t.role, t.kind, t.country ? countryText(t.country) : undefined].filter(Boolean).join(', ');
  return `receives ${t.receives.join(', ')}${t.when ? ` ${t.when}` : ''} (${about})`;
}

export const recipientText = (r: Item<'recipients'>): string => `receive ${r.receives.join(', ')}${r.when ? ` ${r.when}` : ''}`;

export const cookieLabel = (c: Item<'cookies'>): string => c.name ?? c.category!;

export function cookieText(c: Item<'cookies'>): string {
  const flags = [
    c.party ? `${c.party}-party` : undefined,
    c.domain ? `on ${c.domain}` : undefined,
    c.optional === true ? 'optional' : c.optional === false ? 'needed for the service' : undefined,
    c.httpOnly ? 'HttpOnly' : undefined,
    c.secure ? 'Secure' : undefined,
    c.personal === false ? 'holds no personal data' : undefined,
  ].filter(Boolean);
  const lifetime = c.lifetime === 'not stated' ? 'lifetime not stated' : c.lifetime;
  return `${c.purpose}, set by ${c.setBy}, ${lifetime}${flags.length ? ` (${flags.join(', ')})` : ''}`;
}

export function trackerText(t: Item<'trackers'>): string {
  const where = { client: 'in the browser', server: 'on the server', both: 'in the browser and on the server' };
  const parts = [
    t.purpose,
    t.hostedBy ? (t.hostedBy.toLowerCase() === 'us' ? 'self-hosted' : `hosted by ${t.hostedBy}`) : undefined,
    t.pages,
    t.side ? where[t.side] : undefined,
    t.personal === false ? 'records nothing that identifies you' : t.personal === true ? 'records personal data' : undefined,
  ];
  return parts.filter(Boolean).join('; ');
}

export const transferLabel = (t: Item<'transfers'>): string => countryText(t.country);
export const transferText = (t: Item<'transfers'>): string => [t.to ? `to ${t.to}` : undefined, t.safeguard].filter(Boolean).join('; ') || 'stated';

const STANCE: Record<Of<'disclosure'>['stance'], string> = {
  never: 'never given to anyone else',
  'when required by law': 'given to others only when the law requires it',
  'to the listed parties': 'given only to the parties listed',
};

export function disclosureText(d: Of<'disclosure'>): string {
  const parts = [
    `${STANCE[d.stance]}${d.law ? ` (${d.law})` : ''}`,
    d.sold === false ? 'never sold' : d.sold === true ? 'may be sold' : undefined,
    d.surveillance === false
      ? 'no co-operation with any surveillance programme'
      : d.surveillance === true
        ? 'co-operates with surveillance programmes'
        : undefined,
  ];
  return parts.filter(Boolean).join('; ');
}

const INFRASTRUCTURE: Record<Of<'location'>['infrastructure'], string> = {
  own: 'only on our own infrastructure',
  rented: 'on servers rented from a host',
  cloud: 'in a cloud provider’s infrastructure',
  mixed: 'on our own and others’ infrastructure',
};

export const locationText = (l: Of<'location'>): string =>
  `${INFRASTRUCTURE[l.infrastructure]}${l.countries?.length ? `, in ${l.countries.map(countryText).join(', ')}` : ''}`;

export function jurisdictionText(j: Of<'jurisdiction'>): string {
  return typeof j === 'string' ? j : `${countryText(j.country)}${j.law ? ` (${j.law})` : ''}`;
}

export const controllerText = (c: Of<'controller'>): string => [c.name, c.country ? countryText(c.country) : undefined, c.address].filter(Boolean).join(', ');

export const contactText = (c: Of<'contact'>): string => [c.email, c.address, c.url].filter(Boolean).join(', ');

export const gpcText = (honoured: boolean): string =>
  honoured ? 'honoured: a browser’s Global Privacy Control signal counts as an opt-out of any sale or sharing' : 'not honoured';
