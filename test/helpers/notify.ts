/**
 * For notifier tests: a webhook receiver on 127.0.0.1 that checks the HMAC like a real
 * receiver would, a stand-in for an external channel, and content fixtures.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import type { AttestationData } from '../../src/core/canary/model.ts';
import type { EventSources } from '../../src/core/notify/events.ts';
import type { Channel, NoticeEvent } from '../../src/core/notify/model.ts';
import { RETENTION_30, RETENTION_45, policySet, versionSource, type VersionSpec } from './policy.ts';
import { report, reportSource, type ReportSpec } from './report.ts';

export interface Delivery {
  event: string;
  delivery: string;
  signature: string;
  signatureOk: boolean;
  status: number;
  body: string;
}

export interface Receiver {
  url: string;
  deliveries: Delivery[];
  /** Deliveries the receiver accepted (valid signature, answered 2xx), by X-Candor-Event. */
  accepted(): Map<string, number>;
  /** Decides the status of the next request (default 200). */
  respond: (d: Omit<Delivery, 'status'>, n: number) => number;
  close(): Promise<void>;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** What a receiver does: recompute the HMAC over the raw bytes, compare in constant time. */
export function checkSignature(body: string, header: string, secret: string): boolean {
  const expected = Buffer.from(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  const got = Buffer.from(header);
  return got.length === expected.length && timingSafeEqual(got, expected);
}

export async function startReceiver(secret: string, opts: { delayMs?: number } = {}): Promise<Receiver> {
  const deliveries: Delivery[] = [];
  const server = createServer((req, res) => {
    void readBody(req).then(async (body) => {
      const signature = String(req.headers['x-candor-signature-256'] ?? '');
      const d = {
        event: String(req.headers['x-candor-event'] ?? ''),
        delivery: String(req.headers['x-candor-delivery'] ?? ''),
        signature,
        signatureOk: checkSignature(body, signature, secret),
        body,
      };
      const status = req.method !== 'POST' ? 405 : !d.signatureOk ? 401 : receiver.respond(d, deliveries.length);
      deliveries.push({ ...d, status });
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'no');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const receiver: Receiver = {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/candor`,
    deliveries,
    respond: () => 200,
    accepted() {
      const counts = new Map<string, number>();
      for (const d of deliveries.filter((x) => x.signatureOk && x.status < 300)) counts.set(d.event, (counts.get(d.event) ?? 0) + 1);
      return counts;
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return receiver;
}

/**
 * A stand-in for an external service behind the Channel interface (as a mail relay or
 * GitHub would be): it records what it was given and fails when told to.
 */
export function fakeChannel(
  name: string,
  opts: { fail?: (event: NoticeEvent) => boolean; delayMs?: number } = {},
): Channel & { sent: string[]; attempts: string[] } {
  const channel = {
    name,
    sent: [] as string[],
    attempts: [] as string[],
    async send(event: NoticeEvent, _clock?: { now: Date }) {
      channel.attempts.push(event.id);
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.fail?.(event)) throw new Error(`${name} is down`);
      channel.sent.push(event.id);
      return { ref: `${name}#${channel.sent.length}` };
    },
  };
  return channel;
}

export async function writePolicyVersion(root: string, spec: VersionSpec, policy = 'privacy'): Promise<void> {
  const file = path.join(root, 'content', 'policies', policy, `${spec.version}.md`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, versionSource(spec));
}

export async function writeReport(root: string, spec: ReportSpec): Promise<void> {
  const file = path.join(root, 'content', 'transparency', `${spec.id}.md`);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, reportSource(spec));
}

const fpr = (c: string) => c.repeat(40);

/** Attestation data for the pure tests: only the fields a notice uses vary. */
export function attestationData(sequence: number, issued: string, expires: string, signal: AttestationData['signal'] = { kind: 'none' }): AttestationData {
  return {
    format: 'candor-canary/1',
    kind: 'attestation',
    service: { name: 'Lumen Mail', url: 'https://lumen-mail.example' },
    sequence,
    previous: null,
    issued,
    expires,
    statements: [{ id: 'WAR', text: 'We have never received a warrant.' }],
    changes: [],
    signers: { threshold: 1, keys: [{ name: 'Ada', fingerprint: fpr('A') }] },
    panicKeys: [],
    heartbeat: { keys: [{ name: 'CI', fingerprint: fpr('D') }], intervalHours: 24, graceHours: 24, freshnessRequired: true, maxBlockAgeHours: 24 },
    rotations: [],
    documents: [],
    signal,
  };
}

const SITE = 'https://lumen-mail.example/';

/** Policies (one upcoming, one not yet published), reports and attestations around 2026-11-23. */
export const EVENT_FIXTURE: Omit<EventSources, 'now'> = {
  siteUrl: SITE,
  announceEffective: true,
  policies: policySet({
    privacy: [
      { version: '1.0', effective: '2025-01-01', change: 'material', summary: 'First published version.', facts: RETENTION_45 },
      {
        version: '2.0',
        published: '2026-10-01',
        effective: '2026-11-01',
        change: 'material',
        summary: 'Backups of deleted mail are kept 30 days instead of 45.',
        facts: RETENTION_30,
      },
      // Upcoming: merged and published before it takes effect.
      {
        version: '2.1',
        published: '2026-11-20',
        effective: '2027-01-15',
        change: 'material',
        summary: 'We stop using the avatar service.',
        facts: { ...RETENTION_30, jurisdiction: 'Belgium (EU GDPR)' },
      },
      // Not published yet: its day has not come.
      { version: '3.0', published: '2026-12-01', effective: '2027-02-01', change: 'material', summary: 'Later.' },
    ],
    mail: [{ version: '1.0', effective: '2025-03-01', change: 'minor', summary: 'Mail supplement published.', supplements: 'privacy' }],
  }),
  reports: [report({ id: '2025-h1' }), report({ id: '2026-h2' })],
  attestations: [attestationData(1, '2026-11-01T09:00:00Z', '2026-12-31T09:00:00Z'), attestationData(2, '2026-11-23T12:00:01Z', '2027-01-22T12:00:00Z')],
};
