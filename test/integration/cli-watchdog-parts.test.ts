/**
 * `candor watchdog` as shipped (bin/candor.mjs in a child process) on repositories made
 * by `candor init` without a canary: policies only, and policies with reports. Nothing
 * there lapses on a schedule, so the watchdog says so, warns about no canary, exits 0, and
 * closes an issue a canary of the past left open (docs/workflows.md, "watchdog.yml").
 */
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createGitHub } from '../../src/io/github.ts';
import { syncWatchdogIssue, WATCHDOG_LABEL } from '../../src/io/watchdog-issue.ts';
import { candor } from '../helpers/candor-bin.ts';
import { startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';

const NOW = '2026-12-01T09:00:00Z';
const NOTHING = 'No canary is published (docs/content.md#parts): nothing for the watchdog to watch.';
let tmp: string;
const repos: Record<string, string> = {};

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-watchdog-parts-'));
  for (const parts of ['policies', 'policies,reports']) {
    const dir = path.join(tmp, parts.replace(',', '-'));
    const r = await candor(['init', dir, '--yes', '--name', 'Quiet Mail', '--url', 'https://quiet.example', '--parts', parts], { cwd: tmp });
    expect(r.code, r.out + r.err).toBe(0);
    repos[parts] = dir;
  }
}, 60_000);
afterAll(async () => {
  if (tmp) await rm(tmp, { recursive: true, force: true });
});

let gh: GitHubServer;
beforeEach(async () => {
  gh = await startGitHubServer({ repository: 'quiet/privacy', viewer: 'integration' });
});
afterEach(async () => {
  await gh.close();
  gh.assertValid();
});

const env = () => ({ GITHUB_TOKEN: gh.token, GITHUB_REPOSITORY: gh.repository, GITHUB_API_URL: gh.url, GITHUB_REF_NAME: 'main' });

describe.each(['policies', 'policies,reports'])('candor watchdog with --parts %s (no canary)', (parts) => {
  it('--dry-run: says there is nothing to watch, no canary problem, exit 0', async () => {
    const r = await candor(['--root', repos[parts]!, '--now', NOW, 'watchdog', '--dry-run']);
    expect(r.code, r.out + r.err).toBe(0);
    expect(r.out.trim()).toBe(NOTHING);
    expect(r.err).toBe('');
  });

  it('a run: opens no issue, mails no one, exit 0; and it closes an issue left open from when there was a canary', async () => {
    const first = await candor(['--root', repos[parts]!, '--now', NOW, 'watchdog'], { env: env() });
    expect(first.code, first.out + first.err).toBe(0);
    expect(first.out).toContain(NOTHING);
    expect(first.out).toContain('Watchdog: nothing to act on.');
    expect(first.out).toContain('Watchdog issue: none');
    expect(first.out).toContain("Operators' e-mail: not-configured");
    expect(first.out).not.toMatch(/ATTESTATION|HEARTBEAT|canary\.yml/);
    expect(gh.issues).toEqual([]);

    const github = createGitHub({ token: gh.token, baseUrl: gh.url, repository: gh.repository, retry: { baseDelayMs: 5 }, log: () => undefined });
    const past = { code: 'ATTESTATION_EXPIRES_SOON' as const, subject: 'attestation:3', message: 'Attestation 3 expires in 9 days: sign the next one.' };
    expect((await syncWatchdogIssue({ github, problems: [past] })).action).toBe('opened');
    const again = await candor(['--root', repos[parts]!, '--now', NOW, 'watchdog'], { env: env() });
    expect(again.code, again.out + again.err).toBe(0);
    expect(again.out).toMatch(/Watchdog issue: closed/);
    expect(gh.issues.filter((i) => i.labels.includes(WATCHDOG_LABEL) && i.state === 'open')).toEqual([]);
  });
});
