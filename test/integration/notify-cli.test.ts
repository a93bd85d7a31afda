/** candor notify as shipped (bin/candor.mjs): content/notify.yml, --dry-run, --json, exit 0 / 65 / 69. */
import path from 'node:path';
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startReceiver, writePolicyVersion, writeReport, type Receiver } from '../helpers/notify.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';

const SECRET = 'cli-hook-secret';
let p: TestProject;
let receiver: Receiver;

const notify = (args: string[], env: NodeJS.ProcessEnv = { HOOK_SECRET: SECRET }) => p.cli(['notify', ...args], { now: '2023-07-24T07:00:00Z', env });

async function writeNotifyYml(config: unknown): Promise<void> {
  await writeFile(path.join(p.root, 'content', 'notify.yml'), stringify(config));
}

const ledgerPath = () => path.join(p.root, 'content', 'notifications', 'ledger.json');

beforeAll(async () => {
  p = await makeProject();
  await writePolicyVersion(p.root, { version: '1.0', effective: '2023-01-01', change: 'material', summary: 'First version.' });
  await writePolicyVersion(p.root, { version: '2.0', published: '2023-07-20', effective: '2023-08-20', change: 'material', summary: 'Shorter backups.' });
  await writeReport(p.root, { id: '2022-h2' });
});
afterAll(async () => {
  await p.cleanup();
});
beforeEach(async () => {
  receiver = await startReceiver(SECRET);
  await rm(ledgerPath(), { force: true });
  await writeNotifyYml({ baselineDays: 3650, webhooks: [{ url: receiver.url, secretEnv: 'HOOK_SECRET' }] });
});
afterEach(async () => {
  await receiver.close();
});

describe('candor notify', () => {
  it('--dry-run --json plans without sending or writing', async () => {
    const result = await notify(['--dry-run', '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.out)).toMatchObject({ dryRun: true, events: 3, channels: [{ planned: 3, sent: 0 }] });
    expect(receiver.deliveries).toHaveLength(0);
    await expect(readFile(ledgerPath())).rejects.toThrow();
  });

  it('sends once and exits 0; a second run sends nothing', async () => {
    const first = await notify([]);
    expect(first.code).toBe(0);
    expect(first.out).toContain('3 sent, 0 failed');
    expect((await notify([])).out).toContain('0 sent, 0 failed, 0 baselined, 3 already sent');
    expect([...receiver.accepted().values()]).toEqual([1, 1, 1]);
    expect(JSON.parse(await readFile(ledgerPath(), 'utf8')).entries).toHaveLength(3);
  });

  it('exits 69 when a channel fails, and names the failure', async () => {
    receiver.respond = () => 410;
    const result = await notify(['--json']);
    expect(result.code).toBe(69);
    expect(JSON.parse(result.out).failures.map((f: { error: string }) => f.error.split(':')[0])).toEqual([
      'DELIVERY_REJECTED',
      'DELIVERY_REJECTED',
      'DELIVERY_REJECTED',
    ]);
  });

  it('fails only the webhook whose secret is unset (SECRET_MISSING), never printing a secret', async () => {
    const result = await notify([], {});
    expect(result.code).toBe(69);
    expect(result.out).toContain('SECRET_MISSING');
    expect(await readFile(ledgerPath(), 'utf8')).not.toContain(SECRET);
  });

  it('fails the GitHub channels without a token, and still delivers the webhooks', async () => {
    await writeNotifyYml({
      baselineDays: 3650,
      webhooks: [{ url: receiver.url, secretEnv: 'HOOK_SECRET' }],
      github: { repository: 'lumen/site', issues: true, releases: true },
    });
    const result = await notify(['--json']);
    expect(result.code).toBe(69);
    const summary = JSON.parse(result.out);
    expect(summary.channels.map((c: { channel: string; sent: number; failed: number }) => `${c.channel} ${c.sent}/${c.failed}`)).toEqual([
      `webhook:${receiver.url} 3/0`,
      'github-issue 0/3',
      'github-release 0/1',
    ]);
    expect(summary.failures[0].error).toMatch(/^GITHUB_CONFIG_INVALID/);
    expect([...receiver.accepted().values()]).toEqual([1, 1, 1]);
  });

  it('does nothing, successfully, without content/notify.yml', async () => {
    await rm(path.join(p.root, 'content', 'notify.yml'));
    const result = await notify([]);
    expect(result.code).toBe(0);
    expect(result.out).toContain('nothing to announce');
  });

  it('refuses an invalid content/notify.yml (SCHEMA_INVALID)', async () => {
    await writeNotifyYml({ webhooks: [{ url: 'ftp://example.org', secretEnv: 'X' }] });
    const badUrl = await notify([]);
    expect(badUrl.code).toBe(65);
    expect(badUrl.err).toMatch(/^error SCHEMA_INVALID: /);
    await writeNotifyYml({ webhook: [] });
    const unknownField = await notify([]);
    expect(unknownField.code).toBe(65);
    expect(unknownField.err).toMatch(/^error SCHEMA_INVALID: .*webhook/);
  });

  it('refuses to announce from content that does not load (CONTENT_INVALID)', async () => {
    const bad = path.join(p.root, 'content', 'policies', 'privacy', '3.0.md');
    await mkdir(path.dirname(bad), { recursive: true });
    await writeFile(bad, '---\ntitle: [\n---\n');
    try {
      const result = await notify([]);
      expect(result.code).toBe(65);
      expect(result.err).toMatch(/^error CONTENT_INVALID: /);
      expect(receiver.deliveries).toHaveLength(0);
    } finally {
      await rm(bad);
    }
  });
});
