/**
 * The notifier on a throwaway repository: exactly once per (event, channel) over five
 * runs (two of them concurrent, the webhook down in the first), channels independent
 * of each other, crashed runs' claims, the baseline, and the ledger lock.
 */
import { execFile } from 'node:child_process';
import { readFile, rm, stat, utimes, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Channel, Ledger } from '../../src/core/notify/model.ts';
import { createWebhookChannel } from '../../src/io/channels/webhook.ts';
import { ledgerFile, lockFile, readLedger, writeLedger } from '../../src/io/notify/ledger.ts';
import { runNotify, type NotifySummary, type RunOptions } from '../../src/io/notify/run.ts';
import { projectAt } from '../../src/io/project.ts';
import { fakeChannel, startReceiver, writePolicyVersion, writeReport, type Receiver } from '../helpers/notify.ts';
import { RETENTION_30, RETENTION_45 } from '../helpers/policy.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const exec = promisify(execFile);
const SECRET = 'hook-secret';
const NOW = new Date('2023-07-24T07:00:00Z');
const EVENTS = ['policy:privacy@1.0:published', 'report:2022-h2', 'policy:privacy@2.0:published', 'attestation:1'];
let p: TestProject;
let receiver: Receiver;

async function writeContent(root: string): Promise<void> {
  await writePolicyVersion(root, { version: '1.0', effective: '2023-01-01', change: 'material', summary: 'First version.', facts: RETENTION_45 });
  // Upcoming on NOW: announced before it takes effect.
  await writePolicyVersion(root, {
    version: '2.0',
    published: '2023-07-20',
    effective: '2023-08-20',
    change: 'material',
    summary: 'Shorter backups.',
    facts: RETENTION_30,
  });
  await writeReport(root, { id: '2022-h2' });
}

/** A real attestation in the archive, issued at 2023-07-24T06:00:00Z by two signers. */
async function publishAttestation(t: TestProject): Promise<void> {
  expect((await t.cli(['canary', 'attest', 'prepare'])).code).toBe(0);
  for (const s of t.signers.slice(0, 2)) expect((await t.cli(['canary', 'attest', 'sign', '--key', t.keyFile(s)])).code).toBe(0);
  expect((await t.cli(['canary', 'attest', 'publish'])).code).toBe(0);
}

const webhook = (): Channel =>
  createWebhookChannel({ url: receiver.url, secret: SECRET, secretEnv: 'HOOK_SECRET', retries: 1, backoffMs: 5, timeoutMs: 2_000 });
const run = (runId: string, channels: Channel[], extra: Partial<RunOptions> = {}): Promise<NotifySummary> =>
  runNotify({ project: projectAt(p.root), channels, config: { announceEffective: true, baselineDays: 3650 }, now: NOW, runId, ...extra });
const row = (s: NotifySummary, channel: string) => s.channels.find((c) => c.channel === channel)!;
const ledger = async (): Promise<Ledger> => (await readLedger(projectAt(p.root)))!;

beforeAll(async () => {
  p = await makeProject();
  await writeContent(p.root);
  await publishAttestation(p);
});
afterAll(async () => {
  await p.cleanup();
});
beforeEach(async () => {
  receiver = await startReceiver(SECRET, { delayMs: 15 });
  await rm(ledgerFile(projectAt(p.root)), { force: true });
});
afterEach(async () => {
  await receiver.close();
});

describe('exactly once', () => {
  it('delivers every (event, channel) exactly once over five runs, two concurrent, with the webhook down in the first', async () => {
    const mail = fakeChannel('fake-mail', { delayMs: 10 });
    receiver.respond = () => 503;
    const first = await run('run-1', [webhook(), mail]);
    expect(first.ok).toBe(false);
    expect(row(first, webhook().name)).toMatchObject({ sent: 0, failed: 4 });
    expect(row(first, 'fake-mail')).toMatchObject({ sent: 4, failed: 0 });

    receiver.respond = () => 200;
    const [second, third] = await Promise.all([run('run-2', [webhook(), mail]), run('run-3', [webhook(), mail])]);
    const fourth = await run('run-4', [webhook(), mail]);
    const fifth = await run('run-5', [webhook(), mail]);

    expect(receiver.accepted()).toEqual(new Map(EVENTS.map((e) => [e, 1])));
    expect([...mail.sent].sort()).toEqual([...EVENTS].sort());
    expect(row(second, webhook().name).sent + row(third, webhook().name).sent).toBe(4);
    for (const s of [second, third, fourth, fifth]) expect(s.ok).toBe(true);
    for (const s of [fourth, fifth]) expect(s.channels.map((c) => c.alreadySent)).toEqual([4, 4]);
    const l = await ledger();
    expect(l.entries).toHaveLength(8);
    expect(l.entries.every((e) => e.status === 'sent')).toBe(true);
    expect(l.entries.filter((e) => e.channel === webhook().name).map((e) => e.attempts)).toEqual([2, 2, 2, 2]);
    await expect(stat(lockFile(projectAt(p.root)))).rejects.toThrow();
  });

  it('leaves a pair to the run that is delivering it right now', async () => {
    let release!: () => void;
    let started!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const inProgress = new Promise<void>((r) => {
      started = r;
    });
    const slow = fakeChannel('mail');
    const blocking: Channel = {
      name: 'mail',
      send: async (e, clock) => {
        if (e.id === EVENTS[0]) {
          started();
          await gate;
        }
        return slow.send(e, clock);
      },
    };
    const first = run('run-slow', [blocking]);
    await inProgress;
    const other = fakeChannel('mail');
    const second = await run('run-other', [other]);
    expect(other.sent).toEqual(EVENTS.slice(1));
    expect(row(second, 'mail').inFlight).toBe(1);
    release();
    expect(row(await first, 'mail')).toMatchObject({ sent: 1, inFlight: 3 });
    expect(slow.sent).toEqual([EVENTS[0]]);
  });
});

describe('channels are independent', () => {
  it('delivers on the webhook while the other channel fails, then retries only the failed channel', async () => {
    let down = true;
    const flaky = fakeChannel('fake-github', { fail: () => down });
    const first = await run('run-a', [flaky, webhook()]);
    expect(row(first, 'fake-github')).toMatchObject({ sent: 0, failed: 4 });
    expect(row(first, webhook().name)).toMatchObject({ sent: 4, failed: 0 });
    expect(first.failures.map((f) => f.error)).toEqual(Array(4).fill('fake-github is down'));
    down = false;
    const second = await run('run-b', [flaky, webhook()]);
    expect(row(second, 'fake-github').sent).toBe(4);
    expect(row(second, webhook().name)).toMatchObject({ sent: 0, alreadySent: 4 });
    expect(receiver.deliveries).toHaveLength(4);
    const failed = (await ledger()).entries.filter((e) => e.channel === 'fake-github');
    expect(failed.every((e) => e.status === 'sent' && e.attempts === 2 && e.run === 'run-b')).toBe(true);
  });
});

describe('claims and the lock', () => {
  const claim = (event: string, at: string): Ledger => ({
    version: 1,
    channels: ['fake'],
    entries: [
      ...EVENTS.filter((e) => e !== event).map((e) => ({ event: e, channel: 'fake', status: 'sent' as const, at: '2023-07-24T06:00:00Z', attempts: 1 })),
      { event, channel: 'fake', status: 'sending', at, run: 'crashed', attempts: 1 },
    ],
  });

  it('retries a claim left by a crashed run once it is older than the claim timeout', async () => {
    await writeLedger(projectAt(p.root), claim('report:2022-h2', '2023-07-24T06:00:00Z'));
    const fake = fakeChannel('fake');
    const s = await run('run-c', [fake]);
    expect(fake.sent).toEqual(['report:2022-h2']);
    expect((await ledger()).entries.find((e) => e.event === 'report:2022-h2')).toMatchObject({ status: 'sent', attempts: 2, run: 'run-c' });
    expect(s.ok).toBe(true);
  });

  it('leaves a fresh claim to the run that holds it', async () => {
    await writeLedger(projectAt(p.root), claim('report:2022-h2', '2023-07-24T06:59:00Z'));
    const fake = fakeChannel('fake');
    const s = await run('run-d', [fake]);
    expect(fake.attempts).toEqual([]);
    expect(row(s, 'fake').inFlight).toBe(1);
  });

  it('breaks a stale lock, and waits then gives up (LEDGER_LOCKED) on a live one', async () => {
    const lock = lockFile(projectAt(p.root));
    await writeFile(lock, '{"owner":"dead run"}\n');
    const old = new Date(Date.now() - 10 * 60_000);
    await utimes(lock, old, old);
    expect((await run('run-e', [fakeChannel('fake')])).ok).toBe(true);
    await expect(stat(lock)).rejects.toThrow();
    await writeFile(lock, '{"owner":"live run"}\n');
    await expect(run('run-f', [fakeChannel('fake')], { lock: { waitMs: 100 } })).rejects.toMatchObject({ code: 'LEDGER_LOCKED' });
    expect(await readFile(lock, 'utf8')).toContain('live run');
    await rm(lock);
  });

  it('loses no update when three processes change the ledger at the same time', async () => {
    const src = (f: string) => JSON.stringify(new URL(`../../src/io/${f}`, import.meta.url).href);
    const script = path.join(p.secrets, 'ledger-writer.ts');
    await writeFile(
      script,
      [
        `import { updateLedger } from ${src('notify/ledger.ts')};`,
        `import { projectAt } from ${src('project.ts')};`,
        'const [root, name] = process.argv.slice(2);',
        'for (let i = 0; i < 15; i++) {',
        "  await updateLedger(projectAt(root), { owner: name, retryMs: 2 }, (l) => ({ ledger: { version: 1, entries: [...(l?.entries ?? []), { event: `${name}-${i}`, channel: 'c', status: 'sent', at: 't', attempts: 1 }] }, result: undefined }));",
        '}',
      ].join('\n'),
    );
    await Promise.all(['a', 'b', 'c'].map((name) => exec(process.execPath, [script, p.root, name])));
    expect((await ledger()).entries).toHaveLength(45);
  });

  it('refuses two channels with one name (CHANNEL_DUPLICATE)', async () => {
    await expect(run('run-g', [fakeChannel('x'), fakeChannel('x')])).rejects.toMatchObject({ code: 'CHANNEL_DUPLICATE' });
  });

  it('refuses a corrupt ledger (LEDGER_INVALID) rather than sending everything again', async () => {
    await writeFile(ledgerFile(projectAt(p.root)), '{"version":1,"entries":[{"event":1}]}');
    const fake = fakeChannel('fake');
    await expect(run('run-h', [fake])).rejects.toMatchObject({ code: 'LEDGER_INVALID' });
    expect(fake.attempts).toEqual([]);
  });
});

describe('baseline and dry run', () => {
  it('on the first run, records old events as sent (ref baseline) and delivers only recent ones', async () => {
    const fake = fakeChannel('fake');
    const s = await run('run-i', [fake], { config: { announceEffective: true, baselineDays: 0 } });
    expect(fake.sent).toEqual(['attestation:1']);
    expect(row(s, 'fake')).toMatchObject({ sent: 1, baseline: 3 });
    expect(
      (await ledger()).entries
        .filter((e) => e.ref === 'baseline')
        .map((e) => e.event)
        .sort(),
    ).toEqual(EVENTS.filter((e) => e !== 'attestation:1').sort());
  });

  it('dry run: plans, sends nothing, writes nothing', async () => {
    const fake = fakeChannel('fake');
    const s = await run('run-j', [fake], { dryRun: true });
    expect(row(s, 'fake')).toMatchObject({ planned: 4, sent: 0 });
    expect(fake.attempts).toEqual([]);
    expect(await readLedger(projectAt(p.root))).toBeNull();
  });
});
