/**
 * What there is to announce, computed from the content alone: the same content and the
 * same day always give the same events with the same ids, so the ledger can key on them.
 */
import type { AttestationData } from '../canary/model.ts';
import { diffFacts } from '../policy/facts-diff.ts';
import { compareVersions, type PolicyVersion } from '../policy/model.ts';
import type { Report } from '../report/model.ts';
import type { NoticeEvent } from './model.ts';

export { renderNoticeHtml, renderNoticeMarkdown, renderNoticeText, noticeTitle } from './render.ts';

export interface EventSources {
  policies: Map<string, PolicyVersion[]>;
  reports: Report[];
  attestations: AttestationData[];
  /** The published site, e.g. https://lumen-mail.example (a path prefix is kept). */
  siteUrl: string;
  now: Date;
  /** Announce a material change a second time, on its effective date. */
  announceEffective: boolean;
}

type PolicyEvent = Extract<NoticeEvent, { kind: 'policy-version' }>;

const dayOf = (now: Date): string => now.toISOString().slice(0, 10);

/** The day an event happened (UTC): what baselining and ordering go by. */
export function eventDay(event: NoticeEvent): string {
  if (event.kind === 'attestation') return event.issued.slice(0, 10);
  if (event.kind === 'watch') return event.at.slice(0, 10);
  if (event.kind === 'report') return event.published;
  return event.phase === 'effective' ? event.effective : event.published;
}

/** An absolute link on the site; every segment from content is percent-encoded. */
export function siteLink(siteUrl: string, path: string): string {
  return `${siteUrl.replace(/\/+$/, '')}${path}`;
}

const seg = encodeURIComponent;

function policyBase(v: PolicyVersion, prev: PolicyVersion | undefined, siteUrl: string): Omit<PolicyEvent, 'id' | 'phase'> {
  const p = seg(v.policy);
  return {
    kind: 'policy-version',
    policy: v.policy,
    title: v.title,
    version: v.version,
    previous: prev?.version ?? null,
    change: v.change,
    summary: v.summary,
    published: v.published,
    effective: v.effective,
    facts: prev ? diffFacts(prev.facts, v.facts) : [],
    links: {
      version: siteLink(siteUrl, `/policies/${p}/${seg(v.version)}/`),
      diff: prev ? siteLink(siteUrl, `/policies/${p}/compare/${seg(prev.version)}...${seg(v.version)}/`) : null,
      changelog: siteLink(siteUrl, '/policies/changelog/'),
    },
  };
}

/**
 * A version is announced once its published date has come, even if it takes effect
 * later: readers must hear of a material change during its notice period. The second,
 * "now in effect" notice only exists for a material change with a notice period
 * (effective after published); without one, the first notice already says it.
 */
function policyEvents(list: PolicyVersion[], s: EventSources): NoticeEvent[] {
  const today = dayOf(s.now);
  const versions = [...list].sort((a, b) => compareVersions(a.version, b.version));
  return versions.flatMap((v, i): NoticeEvent[] => {
    if (v.published > today) return [];
    const base = policyBase(v, versions[i - 1], s.siteUrl);
    const stem = `policy:${v.policy}@${v.version}`;
    const events: NoticeEvent[] = [{ ...base, id: `${stem}:published`, phase: 'published' }];
    if (s.announceEffective && v.change === 'material' && v.effective > v.published && v.effective <= today) {
      events.push({ ...base, id: `${stem}:effective`, phase: 'effective' });
    }
    return events;
  });
}

function reportEvent(r: Report, siteUrl: string): NoticeEvent {
  const id = seg(r.id);
  return {
    kind: 'report',
    id: `report:${r.id}`,
    report: r.id,
    title: r.title,
    period: { start: r.period.start, end: r.period.end },
    published: r.published,
    links: {
      report: siteLink(siteUrl, `/transparency/${id}/`),
      json: siteLink(siteUrl, `/transparency/${id}.json`),
      csv: siteLink(siteUrl, '/transparency/requests.csv'),
    },
  };
}

function attestationEvent(a: AttestationData, siteUrl: string): NoticeEvent {
  return {
    kind: 'attestation',
    id: `attestation:${a.sequence}`,
    sequence: a.sequence,
    issued: a.issued,
    expires: a.expires,
    signal: a.signal.kind,
    message: a.signal.kind === 'none' ? null : a.signal.message,
    links: { canary: siteLink(siteUrl, '/canary/'), verify: siteLink(siteUrl, '/canary.txt') },
  };
}

/** Every event whose day has come, oldest first (then by id), so notices go out in order. */
export function collectEvents(s: EventSources): NoticeEvent[] {
  const today = dayOf(s.now);
  const events = [
    ...[...s.policies.values()].flatMap((versions) => policyEvents(versions, s)),
    ...s.reports.filter((r) => r.published <= today).map((r) => reportEvent(r, s.siteUrl)),
    // An attestation is announced from the instant it was issued, not from its day.
    ...s.attestations.filter((a) => Date.parse(a.issued) <= s.now.getTime()).map((a) => attestationEvent(a, s.siteUrl)),
  ];
  return events.sort((a, b) => eventDay(a).localeCompare(eventDay(b)) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}
