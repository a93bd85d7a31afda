/**
 * The simulated year (test/sim/year.ts) and what must hold at its end. Its length is
 * CANDOR_SIM_DAYS (default: the whole year, 365 days; a shorter run while working on it,
 * e.g. 28 days: every pull-request kind and every operational fault, the move to a weekly
 * heartbeat). vitest.config.ts starts this file first, so that it runs beside the rest of
 * the suite. docs/workflows.md has the budget.
 */
import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { git } from '../runner/git.ts';
import { CANDOR, NODE, gpgAt } from './service.ts';
import { exec, PLAN, START, simulateYear, type YearResult } from './year.ts';

const DAYS = Number(process.env['CANDOR_SIM_DAYS'] ?? 365);
const DAY = 86_400_000;
let year: YearResult;
let final: string;

const dayOf = (d: Date): number => Math.floor((d.getTime() - START.getTime()) / DAY);

beforeAll(
  async () => {
    year = await simulateYear({ days: DAYS, log: (line) => process.stdout.write(`${line}\n`) });
    final = await mkdtemp(path.join(os.tmpdir(), 'candor-sim-final-'));
    await git(['clone', '--quiet', year.service.gh.git.cloneUrl('lumen/privacy'), final]);
  },
  DAYS * 180_000 + 120_000,
);

afterAll(async () => {
  await year?.close();
  if (final) await rm(final, { recursive: true, force: true });
});

/** Event ids the ledger says were delivered on a channel (attempted, not baselined). */
async function delivered(channelPrefix: string): Promise<string[]> {
  const ledger = JSON.parse(await readFile(path.join(final, 'content', 'notifications', 'ledger.json'), 'utf8')) as {
    entries: { event: string; channel: string; status: string; attempts: number }[];
  };
  return ledger.entries
    .filter((e) => e.channel.startsWith(channelPrefix) && e.status === 'sent' && e.attempts > 0)
    .map((e) => e.event)
    .sort();
}

const count = (ids: string[]): Map<string, number> => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe(`a simulated year of operation (${DAYS} days from ${START.toISOString().slice(0, 10)})`, () => {
  it('the reader sees ALIVE every day but the injected stale days, each with the reason a reader expects', () => {
    expect(year.days).toHaveLength(DAYS);
    const wrong = year.days.filter((d) => {
      const stale = year.expectedStale.get(d.day);
      return stale ? !(d.verdict === 'STALE' && d.reasons.includes(stale)) : d.verdict !== 'ALIVE';
    });
    expect(wrong.map((d) => `${d.date} ${d.verdict} ${d.reasons.join(',')} (expected ${year.expectedStale.get(d.day) ?? 'ALIVE'})`)).toEqual([]);
  });

  it('every failed run is an injected one; ci.yml is refused by the runner, never run silently', () => {
    const failed = year.runs
      .filter((r) => r.conclusion === 'failure')
      .map((r) => `${r.workflow.file}@${dayOf(r.at)}`)
      .sort();
    const expected = year.expectedFailures.map((e) => `${e.workflow}@${e.day}`).sort();
    const unexpected = year.runs.filter((r) => r.conclusion === 'failure' && !expected.includes(`${r.workflow.file}@${dayOf(r.at)}`));
    expect(failed, unexpected.map((r) => r.log().slice(-3000)).join('\n----\n')).toEqual(expected);
    expect(year.runs.filter((r) => r.workflow.file === 'ci.yml').every((r) => r.conclusion === 'refused')).toBe(true);
    expect(year.runs.filter((r) => r.error)).toEqual([]);
    // Publish ran every day on its schedule; the watchdog twice a day.
    const scheduled = (file: string) => year.runs.filter((r) => r.workflow.file === file && r.event === 'schedule').length;
    expect(scheduled('publish.yml')).toBe(DAYS);
    expect(scheduled('watchdog.yml')).toBe(DAYS * 2);
  });

  it('the archive verifies as one unbroken chain (no gap or duplicate after the killed run), ALIVE', async () => {
    const archive = path.join(final, 'content', 'canary', 'archive');
    const heartbeats = (await readdir(archive)).filter((f) => f.startsWith('heartbeat-')).sort();
    expect(heartbeats.map((f) => Number(/\d+/.exec(f)![0]))).toEqual(heartbeats.map((_, i) => i + 1));
    const { stdout } = await exec(
      NODE,
      [
        CANDOR,
        'verify',
        '--archive',
        archive,
        '--keyring',
        path.join(final, 'keys'),
        '--keys',
        `${year.service.ada.fingerprint},${year.service.bruno.fingerprint}`,
        '--now',
        new Date(START.getTime() + (DAYS - 1) * DAY + 13 * 3_600_000).toISOString(),
      ],
      { env: { PATH: process.env['PATH'] } },
    ).catch((e: { stdout: string; stderr: string }) => {
      throw new Error(`${e.stdout}${e.stderr}`);
    });
    expect(stdout).toMatch(/ALIVE/);
    expect(stdout).not.toMatch(/CHAIN_|SEQUENCE_|GAP|DUPLICATE/);
  });

  it('the Pages site verifies with gpg --status-fd and with candor verify URL --state', async () => {
    const site = year.service.gh.pagesDir();
    const gnupg = await mkdtemp(path.join(os.tmpdir(), 'candor-sim-gpg-'));
    const end = new Date(START.getTime() + (DAYS - 1) * DAY + 13 * 3_600_000);
    try {
      for (const f of await readdir(path.join(site, 'keys')))
        if (f.endsWith('.asc')) await exec('gpg', [...gpgAt(gnupg, end), '--import', path.join(site, 'keys', f)]);
      const status = async (args: string[]) => (await exec('gpg', [...gpgAt(gnupg, end), '--status-fd', '1', ...args])).stdout;
      const canary = await status(['--verify', path.join(site, 'canary.txt')]);
      expect(canary.match(/^\[GNUPG:\] VALIDSIG /gm)).toHaveLength(2);
      const heartbeat = await status(['--verify', path.join(site, 'heartbeat.txt')]);
      const manifest = await status(['--verify', path.join(site, 'manifest.json.asc'), path.join(site, 'manifest.json')]);
      for (const out of [heartbeat, manifest]) expect(out).toMatch(/^\[GNUPG:\] VALIDSIG [0-9A-F]{40} /m);
      const r = await year.service.read(path.join(year.service.dir, 'reader', 'state.json'), new Date(START.getTime() + (DAYS - 1) * DAY + 13 * 3_600_000));
      expect(r.code, r.out).toBe(0);
    } finally {
      await rm(gnupg, { recursive: true, force: true });
    }
  });

  it('every announcement arrived exactly once per channel, counted at the receivers', async () => {
    const s = year.service;
    const mails = s.smtp.received.filter((m) => m.rcptTo.includes('announce@lists.lumen-mail.example'));
    const mailIds = mails.map((m) => /^Message-ID:\s*<([^@>]+)@/im.exec(m.raw.toString('utf8'))![1]!.replace(/\./g, ':'));
    const hooks = s.receiver.deliveries.filter((d) => d.signatureOk && d.status < 300).map((d) => d.event);
    const issues = s.gh.api.issues.filter((i) => i.labels.includes('policy-change')).map((i) => /candor:event:(\S+) -->/.exec(i.body ?? '')![1]!);
    for (const [channel, ids] of [
      ['email', mailIds],
      ['webhook', hooks],
      ['github-issue', issues],
    ] as const) {
      expect(
        [...count(ids)].filter(([, n]) => n > 1),
        `${channel}: duplicates`,
      ).toEqual([]);
      expect(ids.length, `${channel}: received vs ledger`).toBe((await delivered(channel)).length);
    }
    expect(hooks.sort()).toEqual(await delivered('webhook'));
    expect(new Set(hooks)).toEqual(new Set(issues));
    expect(mailIds.length).toBe(hooks.length);
  });

  it('the watchdog warned in time, and each problem was mailed to the operators once', () => {
    const ops = year.service.smtp.received.filter((m) => m.rcptTo.includes('canary-ops@lumen-mail.example'));
    const dates = ops.map((m) => new Date(/^Date: (.+)$/m.exec(m.raw.toString('utf8'))![1]!.trim()));
    if (DAYS > PLAN.explorersDown[0]) {
      // The last heartbeat before the outage expires 48 h after day 7's run: a mail before that.
      const expiry = new Date(START.getTime() + (PLAN.explorersDown[0] + 1) * DAY + 4 * 3_600_000 + 23 * 60_000);
      expect(dates.some((d) => d < expiry && d > new Date(START.getTime() + PLAN.explorersDown[0] * DAY))).toBe(true);
    }
    if (DAYS > PLAN.missedRenewal + 2) {
      const expiry = new Date(START.getTime() + (PLAN.missedRenewal + 2) * DAY + 10 * 3_600_000);
      expect(dates.some((d) => d < new Date(expiry.getTime() - 7 * DAY) && d > new Date(expiry.getTime() - 15 * DAY))).toBe(true);
    }
  });

  it('prints the summary line', async () => {
    const stale = year.days.filter((d) => d.verdict === 'STALE').length;
    const runs = year.runs.filter((r) => r.workflow.file !== 'ci.yml');
    const failed = runs.filter((r) => r.conclusion === 'failure').length;
    const announced = await delivered('webhook');
    const mean = year.timings.perDayMs.reduce((a, b) => a + b, 0) / year.timings.perDayMs.length / 1000;
    const publishRuns = runs.filter((r) => r.workflow.file === 'publish.yml');
    const built = publishRuns.filter((r) => r.jobs.get('build') && r.jobs.get('build')!.result !== 'skipped');
    const line =
      `year: ${DAYS} days, alive ${year.days.filter((d) => d.verdict === 'ALIVE').length}, stale ${stale} (injected ${year.expectedStale.size}), invalid ${year.days.filter((d) => d.verdict === 'INVALID').length}; ` +
      `runs ${runs.length}, failed ${failed} (injected ${year.expectedFailures.length}), ci.yml refused ${year.runs.length - runs.length}; announcements ${announced.length}/${announced.length} per channel, duplicates 0; ` +
      `site built on ${built.length} of ${publishRuns.length} publish runs (${publishRuns.length - built.length} scheduled runs with nothing new kept it); ${mean.toFixed(1)} s per simulated day`;
    // Where the time goes: CPU by step (the runner measures each step's processes).
    const cost = new Map<string, { n: number; cpu: number }>();
    for (const r of year.runs)
      for (const j of r.jobs.values())
        for (const st of j.steps) {
          const key = `${r.workflow.file}/${j.name}: ${st.name.slice(0, 60)}`;
          const c = cost.get(key) ?? { n: 0, cpu: 0 };
          cost.set(key, { n: c.n + 1, cpu: c.cpu + (st.cpuMs ?? 0) });
        }
    const table = [...cost]
      .sort((a, b) => b[1].cpu - a[1].cpu)
      .slice(0, 25)
      .map(([k, c]) => `  ${(c.cpu / c.n / 1000).toFixed(2)} s CPU x ${c.n}  ${k}`);
    process.stdout.write(`${line}\n${year.notes.join('\n')}\nCPU per step (mean x count):\n${table.join('\n')}\n`);
    await mkdir('test-artifacts', { recursive: true });
    await writeFile(path.join('test-artifacts', 'sim-summary.txt'), `${line}\n`);
    expect([stale, failed, year.days.filter((d) => d.verdict === 'INVALID').length]).toEqual([year.expectedStale.size, year.expectedFailures.length, 0]);
  });
});
