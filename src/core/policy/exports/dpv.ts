/**
 * A policy version's facts as W3C DPV 2.x JSON-LD (/policies/<id>/<version>.dpv.jsonld;
 * docs/content.md#exports). Each fact becomes the DPV concept its field documents
 * (src/core/policy/facts.ts, `x-dpv`); where DPV has no term, a `candor:` term under the
 * site's published facts schema. Free text stays text (`rdfs:label`): DPV concepts are
 * named only where the facts name one (a data item's `category`, a retention's length).
 * The output is checked with a JSON-LD processor in safe mode (test/unit/policy-exports).
 */
import type { Facts, RetentionStep } from '../facts.ts';
import type { PolicyVersion } from '../model.ts';
import { parseDuration } from '../duration.ts';
import { isCountryCode } from '../../report/countries.ts';

type Node = Record<string, unknown>;

export const DPV_CONTEXT = {
  dpv: 'https://w3id.org/dpv#',
  pd: 'https://w3id.org/dpv/pd#',
  tech: 'https://w3id.org/dpv/tech#',
  loc: 'https://w3id.org/dpv/loc#',
  dct: 'http://purl.org/dc/terms/',
  rdfs: 'http://www.w3.org/2000/01/rdf-schema#',
  xsd: 'http://www.w3.org/2001/XMLSchema#',
} as const;

/** Where the `candor:` terms are defined: the facts schema every Candor site publishes. */
export const candorNamespace = (siteUrl: string): string => `${siteUrl.replace(/\/?$/, '/')}schemas/policy-facts.json#`;

const label = (text: string): Node => ({ 'rdfs:label': text });
const typed = (type: string, text: string, extra: Node = {}): Node => ({ '@type': type, ...label(text), ...extra });
const date = (day: string): Node => ({ '@value': day, '@type': 'xsd:date' });
const place = (country: string): Node => (isCountryCode(country) ? { '@id': `loc:${country.toUpperCase()}` } : label(country));

/** "45 days" → P45D; an event-bound or unstated length has no ISO 8601 form. */
export function isoDuration(written: string): string | undefined {
  const m = /^(\d+) (hour|day|week|month|year)s?$/.exec(written);
  if (!m) return undefined;
  const n = m[1]!;
  return { hour: `PT${n}H`, day: `P${n}D`, week: `P${n}W`, month: `P${n}M`, year: `P${n}Y` }[m[2]!];
}

function storage(step: RetentionStep): Node {
  const iso = isoDuration(step.period);
  const span = parseDuration(step.period);
  return {
    '@type': 'dpv:StorageDuration',
    'dpv:hasDuration': {
      '@type': 'dpv:TemporalDuration',
      ...label(step.after ? `${step.period} after ${step.after}` : step.period),
      ...(iso ? { 'rdf:value': { '@value': iso, '@type': 'xsd:duration' } } : {}),
      ...(span.kind === 'session' ? { 'candor:session': true } : {}),
    },
    ...(step.why ? { 'dpv:hasPurpose': typed('dpv:Purpose', step.why) } : {}),
    ...(step.requiredBy ? { 'dpv:hasLegalBasis': typed('dpv:LegalObligation', step.requiredBy) } : {}),
  };
}

function handling(f: Facts, controller: Node | undefined): Node[] {
  const base = controller ? { 'dpv:hasDataController': controller } : {};
  return [
    ...(f.dataCollected ?? []).map((d) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasProcessing': { '@id': 'dpv:Collect' },
      'dpv:hasPersonalData': d.category ? { '@id': `pd:${d.category}`, ...label(d.what) } : typed('dpv:PersonalData', d.what),
      ...(d.why ? { 'dpv:hasPurpose': typed('dpv:Purpose', d.why) } : {}),
      ...(d.legalBasis ? { 'dpv:hasLegalBasis': typed('dpv:LegalBasis', d.legalBasis) } : {}),
    })),
    ...(f.purposes ?? []).map((p) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasPurpose': typed('dpv:Purpose', p.purpose),
      ...(p.data?.length ? { 'dpv:hasPersonalData': p.data.map((d) => typed('dpv:PersonalData', d)) } : {}),
      ...(p.legalBasis ? { 'dpv:hasLegalBasis': typed('dpv:LegalBasis', p.legalBasis) } : {}),
    })),
    ...(f.processing ?? []).map((a) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasProcessing': typed('dpv:Processing', a.activity, a.profiling === true ? { 'dpv:hasProcessing': { '@id': 'dpv:Profiling' } } : {}),
      ...(a.data?.length ? { 'dpv:hasPersonalData': a.data.map((d) => typed('dpv:PersonalData', d)) } : {}),
      ...(a.purpose ? { 'dpv:hasPurpose': typed('dpv:Purpose', a.purpose) } : {}),
      ...(a.automated !== undefined ? { 'candor:automated': a.automated } : {}),
      ...(a.profiling !== undefined ? { 'candor:profiling': a.profiling } : {}),
    })),
    ...(f.retention ?? []).map((r) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasProcessing': { '@id': 'dpv:Store' },
      'dpv:hasPersonalData': typed('dpv:PersonalData', r.what),
      'dpv:hasStorageCondition': [r, ...(r.then ?? [])].map(storage),
    })),
    ...(f.thirdParties ?? []).map((t) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasProcessing': { '@id': 'dpv:Disclose' },
      'dpv:hasPersonalData': t.receives.map((d) => typed('dpv:PersonalData', d)),
      'dpv:hasRecipient': {
        '@type': t.kind === 'processor' ? 'dpv:DataProcessor' : 'dpv:ThirdParty',
        'dpv:hasName': t.name,
        ...(t.operator ? { 'candor:operator': t.operator } : {}),
        ...(t.country ? { 'dpv:hasLocation': place(t.country) } : {}),
      },
      'dpv:hasPurpose': typed('dpv:Purpose', t.role),
      ...(t.when ? { 'dpv:hasContext': typed('dpv:Context', t.when) } : {}),
    })),
    ...(f.recipients ?? []).map((r) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasProcessing': { '@id': 'dpv:Disclose' },
      'dpv:hasPersonalData': r.receives.map((d) => typed('dpv:PersonalData', d)),
      'dpv:hasRecipient': typed('dpv:Recipient', r.who),
      ...(r.when ? { 'dpv:hasContext': typed('dpv:Context', r.when) } : {}),
    })),
    ...(f.transfers ?? []).map((t) => ({
      '@type': 'dpv:PersonalDataHandling',
      ...base,
      'dpv:hasProcessing': { '@id': 'dpv:Transfer' },
      'dpv:hasLocation': place(t.country),
      ...(t.to ? { 'dpv:hasRecipient': typed('dpv:Recipient', t.to) } : {}),
      ...(t.safeguard ? { 'dpv:hasTechnicalOrganisationalMeasure': typed('dpv:Safeguard', t.safeguard) } : {}),
    })),
  ];
}

function cookies(f: Facts): Node[] {
  return (f.cookies ?? []).map((c) => ({
    '@type': 'tech:Cookie',
    ...(c.name ? { 'dpv:hasName': c.name } : {}),
    ...(c.category ? { 'candor:cookieCategory': c.category } : {}),
    'candor:setBy': c.setBy,
    ...(c.party ? { 'candor:cookieParty': c.party } : {}),
    ...(c.domain ? { 'candor:cookieDomain': c.domain } : {}),
    'dpv:hasPurpose': typed('dpv:Purpose', c.purpose),
    'dpv:hasStorageCondition': storage({ period: c.lifetime }),
    ...(c.optional !== undefined ? { 'candor:cookieOptional': c.optional } : {}),
    ...(c.httpOnly !== undefined ? { 'candor:cookieHttpOnly': c.httpOnly } : {}),
    ...(c.secure !== undefined ? { 'candor:cookieSecure': c.secure } : {}),
    ...(c.personal !== undefined ? { 'candor:personal': c.personal } : {}),
  }));
}

/** The JSON-LD document of one version. `url` is the version's permalink page. */
export function dpvDocument(version: PolicyVersion, o: { siteUrl: string; url: string }): Node {
  const f: Facts = version.facts ?? {};
  const controller = f.controller
    ? { '@type': 'dpv:DataController', 'dpv:hasName': f.controller.name, ...(f.controller.country ? { 'dpv:hasLocation': place(f.controller.country) } : {}) }
    : undefined;
  const jurisdiction = typeof f.jurisdiction === 'string' ? label(f.jurisdiction) : f.jurisdiction ? place(f.jurisdiction.country) : undefined;
  const notCollected = f.notCollected ?? [];
  return {
    '@context': { ...DPV_CONTEXT, rdf: 'http://www.w3.org/1999/02/22-rdf-syntax-ns#', candor: candorNamespace(o.siteUrl) },
    '@id': o.url,
    '@type': 'dpv:PrivacyNotice',
    'dct:title': version.title,
    'dct:hasVersion': version.version,
    'dct:issued': date(version.published),
    'dct:valid': date(version.effective),
    'dct:language': version.language,
    ...(controller ? { 'dpv:hasDataController': controller } : {}),
    ...(jurisdiction ? { 'dpv:hasJurisdiction': jurisdiction } : {}),
    'dpv:hasPersonalDataHandling': handling(f, controller),
    ...(notCollected.length ? { 'candor:notCollected': notCollected } : {}),
    ...(f.disclosure
      ? {
          'candor:disclosure': f.disclosure.stance,
          ...(f.disclosure.sold !== undefined ? { 'candor:sold': f.disclosure.sold } : {}),
          ...(f.disclosure.surveillance !== undefined ? { 'candor:surveillanceCooperation': f.disclosure.surveillance } : {}),
        }
      : {}),
    ...(f.location
      ? { 'candor:infrastructure': f.location.infrastructure, ...(f.location.countries?.length ? { 'dpv:hasLocation': f.location.countries.map(place) } : {}) }
      : {}),
    ...(f.cookies?.length ? { 'candor:cookie': cookies(f) } : {}),
    ...(f.trackers
      ? { 'candor:tracker': f.trackers.map((t) => ({ '@type': 'dpv:Tracking', 'dpv:hasName': t.name, 'dpv:hasPurpose': typed('dpv:Purpose', t.purpose) })) }
      : {}),
    ...(f.gpc !== undefined ? { 'candor:honoursGlobalPrivacyControl': f.gpc } : {}),
  };
}
