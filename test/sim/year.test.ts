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
import { parseDocument } from 'yaml';
import { openCheckpoint } from '../../src/core/tlog/checkpoint.ts';
import { readCosignatures } from '../../src/core/tlog/cosignature.ts';
import { parseVerifierKey, type VerifierKey } from '../../src/core/tlog/note.ts';
import { cosignedNames, parsePolicy, quorumMet, type TlogPolicy } from '../../src/core/tlog/policy.ts';
import { git } from '../runner/git.ts';
import type { Run } from '../runner/runner.ts';
import { CANDOR, NODE, gpgAt } from './service.ts';
import { exec, PLAN, START, WITNESSES, simulateYear, type YearResult } from './year.ts';

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

/**
 * The publish runs that asked the witnesses (after pushing what they appended, or again for a
 * checkpoint short of cosignatures), each with what every witness answered (one line each).
 */
function appends(): { run: Run; day: number; outcomes: Map<string, string> }[] {
  return year.runs
    .filter((r) => r.workflow.file === 'publish.yml' && /Witness w\d+ \(/.test(r.log()))
    .map((r) => ({ run: r, day: dayOf(r.at), outcomes: new Map([...r.log().matchAll(/Witness (w\d+) \([^)]*\): (\w+)/g)].map((m) => [m[1]!, m[2]!])) }));
}

/** The plan's outages: whether witness `name` is stopped on `day`. */
const plannedDown = (name: string, day: number): boolean =>
  (PLAN.witnessOffline.witness === name && (PLAN.witnessOffline.days as readonly number[]).includes(day)) ||
  (PLAN.quorumLost.day === day && (PLAN.quorumLost.witnesses as readonly string[]).includes(name));

/** Times witness `name` came back after missing an append and cosigned again: each is one 409 and its retry. */
function catchUps(name: string): number {
  let missed = false;
  let n = 0;
  for (const a of appends()) {
    const outcome = a.outcomes.get(name);
    if (outcome === 'offline') missed = true;
    else if (outcome === 'cosigned' && missed) [n, missed] = [n + 1, false];
  }
  return n;
}

/** The checkpoint the Pages site serves, opened with the log key and the policy of canary.yml as committed. */
async function publishedLog(): Promise<{
  signed: string;
  size: number;
  root: string;
  policy: TlogPolicy;
  cosigners: { witness: VerifierKey; timestamp: number }[];
  failed: number;
}> {
  const s = year.service;
  const config = parseDocument(await readFile(path.join(final, 'content', 'canary', 'canary.yml'), 'utf8')).toJS() as {
    log: { key: string; witnesses: string };
  };
  const policy = parsePolicy(config.log.witnesses);
  const logKey = parseVerifierKey(config.log.key);
  if (Array.isArray(policy) || typeof logKey === 'string') throw new Error(`canary.yml's log: ${JSON.stringify(policy)} ${String(logKey)}`);
  const signed = await (await fetch(new URL('canary/log/checkpoint', s.gh.pagesUrl))).text();
  const opened = openCheckpoint(signed, s.canaryLog!.origin, logKey);
  if (typeof opened === 'string') throw new Error(`the published checkpoint does not open with the log key: ${opened}\n${signed}`);
  const cosigned = readCosignatures(
    signed,
    policy.witnesses.map((w) => w.key),
  );
  if (typeof cosigned === 'string') throw new Error(`the published checkpoint's cosignatures: ${cosigned}`);
  return {
    signed,
    size: opened.checkpoint.size,
    root: Buffer.from(opened.checkpoint.root).toString('base64'),
    policy,
    cosigners: cosigned.cosignatures,
    failed: cosigned.failed.length,
  };
}

const count = (ids: string[]): Map<string, number> => ids.reduce((m, id) => m.set(id, (m.get(id) ?? 0) + 1), new Map<string, number>());

describe(`a simulated year of operation (${DAYS} days from ${START.toISOString().slice(0, 10)})`, () => {
  it('the reader sees ALIVE every day but the injected stale and invalid days, each with the reason a reader expects', () => {
    expect(year.days).toHaveLength(DAYS);
    const expected = (day: number): [string, string | undefined] =>
      year.expectedStale.has(day)
        ? ['STALE', year.expectedStale.get(day)]
        : year.expectedInvalid.has(day)
          ? ['INVALID', year.expectedInvalid.get(day)]
          : ['ALIVE', undefined];
    const wrong = year.days.filter((d) => {
      const [verdict, reason] = expected(d.day);
      return d.verdict !== verdict || (reason !== undefined && !d.reasons.includes(reason));
    });
    expect(wrong.map((d) => `${d.date} ${d.verdict} ${d.reasons.join(',')} (expected ${expected(d.day).join(' ')})`)).toEqual([]);
    // The log's reasons: none but the injected quorum (and, on the first day, no checkpoint remembered yet).
    const logReasons = year.days.flatMap((d) => [...new Set(d.reasons.filter((r) => r.startsWith('LOG_')))].map((r) => `${d.day} ${r}`));
    expect(logReasons).toEqual([
      ...(DAYS > 0 ? ['0 LOG_UNCHECKED'] : []),
      ...[...year.expectedInvalid].filter(([, r]) => r.startsWith('LOG_')).map(([d, r]) => `${d} ${r}`),
    ]);
    // Each day the reader counted the cosignatures of the quorum, but on the day two witnesses were down.
    expect(
      year.days
        .filter((d) => (year.expectedInvalid.has(d.day) ? d.cosigned.length >= WITNESSES.quorum : d.cosigned.length < WITNESSES.quorum))
        .map((d) => `${d.date}: ${d.cosigned.join(', ')}`),
    ).toEqual([]);
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
      expect(r.out).toMatch(/^ALIVE/m);
      expect(r.out).not.toMatch(/LOG_/);
      expect(r.out).toMatch(/^Log lumen-mail\.example\/canary\/log: \d+ entries, root \S+, cosigned by /m);
    } finally {
      await rm(gnupg, { recursive: true, force: true });
    }
  });

  it('the witnesses answered every append: offline only on the days the plan stops them, never a refusal; back, each caught up through a 409', () => {
    const runs = appends();
    expect(runs.length).toBeGreaterThan(0);
    const wrong = runs.flatMap((a) =>
      year.service.witnesses
        .filter((w) => a.outcomes.get(w.name) !== (plannedDown(w.name, a.day) ? 'offline' : 'cosigned'))
        .map((w) => `day ${a.day} ${w.name}: ${a.outcomes.get(w.name) ?? 'not asked'}\n${a.run.log().slice(-2000)}`),
    );
    expect(wrong).toEqual([]);
    for (const w of year.service.witnesses) {
      // What its server logged: a 200 for each cosignature; a 409 naming its size, then the retry's 200, after each outage.
      const statuses = [...w.log().matchAll(/^POST \/add-checkpoint (\d{3})/gm)].map((m) => m[1]!);
      expect(
        statuses.filter((x) => x !== '200' && x !== '409'),
        `${w.name}\n${w.log()}`,
      ).toEqual([]);
      expect(statuses.filter((x) => x === '409').length, w.name).toBe(catchUps(w.name));
      expect(statuses.filter((x) => x === '200').length, w.name).toBe(runs.filter((a) => a.outcomes.get(w.name) === 'cosigned').length);
    }
    // w3 after its days offline, w2 and w3 after the day the quorum was lost.
    if (DAYS > PLAN.quorumLost.day + 1) expect(year.service.witnesses.map((w) => catchUps(w.name))).toEqual([0, 1, 2]);
  });

  it('the log ends consistent and witnessed: the Pages checkpoint meets the quorum, each witness holds its size and root, one leaf per archived document', async () => {
    const s = year.service;
    const log = await publishedLog();
    expect(log.signed).toBe(await readFile(path.join(final, 'content', 'canary', 'log', 'checkpoint'), 'utf8'));
    expect(log.failed).toBe(0);
    expect(log.policy.witnesses.map((w) => `${w.name} ${w.url}`)).toEqual(s.witnesses.map((w) => `${w.name} ${w.url}`));
    expect(log.cosigners.length).toBeGreaterThanOrEqual(WITNESSES.quorum);
    expect(
      quorumMet(
        log.policy,
        cosignedNames(
          log.policy,
          log.cosigners.map((c) => c.witness),
        ),
      ),
    ).toBe(true);
    if (DAYS > PLAN.quorumLost.day + 1) expect(log.cosigners.length).toBe(WITNESSES.count);
    // The log began with the year: every attestation and heartbeat archived since is one leaf.
    const archived = (await readdir(path.join(final, 'content', 'canary', 'archive'))).filter((f) => /^(attestation|heartbeat)-\d+\.txt$/.test(f));
    expect(log.size).toBe(archived.length);
    // Each witness remembers the checkpoint it last cosigned: the final one, if its cosignature is on it.
    const on = new Set(log.cosigners.map((c) => c.witness.name));
    for (const w of s.witnesses) {
      const record = JSON.parse(await readFile(path.join(w.state, 'logs', `${encodeURIComponent(s.canaryLog!.origin)}.json`), 'utf8')) as {
        size: number;
        root: string;
      };
      if (on.has(w.keyName)) expect([record.size, record.root], w.name).toEqual([log.size, log.root]);
      else expect(record.size, w.name).toBeLessThan(log.size);
    }
    // The cosignatures carry the simulated time of the run that appended last (the witnesses' clock is the simulation's).
    const last = appends().at(-1)!.run.at.getTime();
    for (const c of log.cosigners) {
      expect(c.timestamp * 1000, c.witness.name).toBeGreaterThanOrEqual(Math.floor(last / 1000) * 1000);
      expect(c.timestamp * 1000, c.witness.name).toBeLessThan(last + 3_600_000);
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
    const invalid = year.days.filter((d) => d.verdict === 'INVALID').length;
    const log = await publishedLog();
    const answers = appends().flatMap((a) => [...a.outcomes.values()]);
    const answered = (status: string) => answers.filter((x) => x === status).length;
    const line =
      `year: ${DAYS} days, alive ${year.days.filter((d) => d.verdict === 'ALIVE').length}, stale ${stale} (injected ${year.expectedStale.size}), invalid ${invalid} (injected ${year.expectedInvalid.size}); ` +
      `runs ${runs.length}, failed ${failed} (injected ${year.expectedFailures.length}), ci.yml refused ${year.runs.length - runs.length}; announcements ${announced.length}/${announced.length} per channel, duplicates 0; ` +
      `log ${log.size} entries, witnessed ${log.cosigners.length}/${WITNESSES.count} at the end, cosignatures ${answered('cosigned')} (offline ${answered('offline')}, caught up ${year.service.witnesses.reduce((n, w) => n + catchUps(w.name), 0)}), refused ${answered('refused') + answered('invalid')}; ` +
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
    expect([stale, failed, invalid, answered('refused') + answered('invalid')]).toEqual([
      year.expectedStale.size,
      year.expectedFailures.length,
      year.expectedInvalid.size,
      0,
    ]);
  });
});
