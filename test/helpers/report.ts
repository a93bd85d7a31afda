/** Builds transparency report files from object literals, for tests. */
import { stringify } from 'yaml';
import type { Report } from '../../src/core/report/model.ts';
import { parseReport } from '../../src/core/report/parse.ts';
import { addDays, periodOfStem, type Cadence } from '../../src/core/report/period.ts';

export interface ReportSpec {
  /** The file stem: 2025-h1, 2025-q3 or 2025. */
  id: string;
  requests?: Record<string, unknown>[];
  body?: string;
  [field: string]: unknown;
}

export function cadenceOf(id: string): Cadence {
  if (/-h[12]$/.test(id)) return 'half-yearly';
  return /-q[1-4]$/.test(id) ? 'quarterly' : 'yearly';
}

/** A request row with neutral defaults: one German production order, nothing received. */
export function row(spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    country: 'DE',
    requesterType: 'law-enforcement',
    legalProcess: 'production order',
    channel: 'direct',
    dataCategory: 'subscriber',
    received: 0,
    accountsSpecified: 0,
    accountsAffected: 0,
    outcomes: {},
    ...spec,
  };
}

/** Front matter defaults follow the id: its period, published 30 days after, next report due 7 months after. */
export function reportSource(spec: ReportSpec): string {
  const { id, body = 'No notable cases this period.\n', requests = [], ...rest } = spec;
  const cadence = (rest.cadence as Cadence | undefined) ?? cadenceOf(id);
  const period = periodOfStem(id, cadence) ?? { start: '2025-01-01', end: '2025-06-30' };
  const data = {
    title: `Transparency report ${id}`,
    period,
    cadence,
    published: addDays(period.end, 30),
    nextReportDue: addDays(period.end, 214),
    countingUnit: 'one legal document, whatever the number of accounts it names',
    requests: requests.map(row),
    ...rest,
  };
  return `---\n${stringify(data, { lineWidth: 0 })}---\n\n${body}`;
}

export function report(spec: ReportSpec): Report {
  return parseReport(reportSource(spec), `transparency/${spec.id}.md`);
}

/** Two consecutive half-years of a small mail service, with every kind of count. */
export const FIXTURE_SPECS: ReportSpec[] = [
  {
    id: '2025-h1',
    definitions: { request: 'A legally binding demand received through an official channel.' },
    exclusions: ['Informal requests by email, which we always refuse, are not counted.'],
    requests: [
      {
        received: 12,
        accountsSpecified: 15,
        accountsAffected: 4,
        outcomes: { nonContentDisclosed: 4, noData: 2, rejected: 5, pending: 1 },
        rejectionReasons: [
          { reason: 'no legal basis', count: 3 },
          { reason: 'sent unencrypted', count: 2 },
        ],
        usersNotified: 3,
      },
      {
        country: 'FR',
        requesterType: 'prosecutor',
        legalProcess: 'European Investigation Order, "EIO"',
        channel: 'eio',
        dataCategory: 'traffic',
        received: 3,
        accountsSpecified: 3,
        accountsAffected: 1,
        outcomes: { nonContentDisclosed: 1, contested: 2 },
      },
      {
        country: 'US',
        requesterType: 'court',
        legalProcess: 'letter rogatory',
        channel: 'mlat',
        dataCategory: 'content',
        received: { suppressed: 'to protect the people concerned', threshold: 5 },
        accountsSpecified: { suppressed: 'to protect the people concerned', threshold: 5 },
        accountsAffected: 0,
        outcomes: { rejected: { suppressed: 'to protect the people concerned', threshold: 5 } },
      },
    ],
    nationalSecurity: [
      {
        kind: 'National security letters',
        received: { band: [0, 249], basis: '50 U.S.C. 1874(a)(3)' },
        accountsAffected: { band: [0, 249], basis: '50 U.S.C. 1874(a)(3)' },
      },
    ],
  },
  {
    id: '2025-h2',
    corrections: [{ date: '2026-02-10', reason: 'One French request was counted twice.' }],
    requests: [
      {
        received: 9,
        accountsSpecified: 9,
        accountsAffected: 3,
        outcomes: { contentDisclosed: 1, nonContentDisclosed: 2, rejected: 4, withdrawn: 1, narrowed: 1 },
        rejectionReasons: [{ reason: 'no legal basis', count: 4 }],
        gagOrders: 1,
      },
      {
        country: 'CH',
        requesterType: 'regulator',
        legalProcess: 'information request',
        channel: 'domestic-authority',
        received: 2,
        accountsSpecified: 2,
        accountsAffected: 0,
        outcomes: { noData: 2 },
      },
    ],
    body: '## Notable cases\n\nA court narrowed one order to a single account.\n',
  },
];

export const fixtureReports = (): Report[] => FIXTURE_SPECS.map(report);
