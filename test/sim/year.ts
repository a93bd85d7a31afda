/**
 * A simulated year of operation (docs/workflows.md, "The simulated year"): every day the
 * schedules of the default branch fire as GitHub would fire them (publish at 04:23, the
 * watchdog at 11:41 and 23:41), a reader runs the shipped `candor verify <Pages URL> --state`
 * at 12:00, and the operators act on the days of the scenario below: renewals through
 * pull requests, policy changes, a rejected and a hostile pull request, transparency
 * reports; faults are injected on their days, the canary log's witnesses going offline
 * among them. Everything runs through the local runner.
 */
import { execFile } from 'node:child_process';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { parseDocument } from 'yaml';
import { git } from '../runner/git.ts';
import { cpuMs, type Run } from '../runner/runner.ts';
import { PASSPHRASE, PEOPLE, signAttestation, startService, type Service, type SimKey } from './service.ts';

const exec = promisify(execFile);
const DAY = 86_400_000;
const HOUR = 3_600_000;

export const START = new Date('2026-12-01T00:00:00Z');
export const WITNESSES = { count: 3, quorum: 2 } as const;

/** The scenario, by day (0 = START). Early days hold everything that needs no cadence. */
export const PLAN = {
  materialPolicy: 2, // mail 1.2, material, with its 30-day notice
  editorialPolicy: 4, // cookies 1.2, editorial; announced on the day SMTP is down
  smtpDown: 4,
  rejectedPolicy: 5, // mail 1.3, material with 10 days' notice: pr-check fails, the comment says why
  forkPullRequest: 6,
  explorersDown: [8, 9, 10],
  killedPublish: 14, // killed between signing the heartbeat and pushing it
  twoPublishRuns: 16,
  /**
   * The canary log's witnesses (three `candor witness serve`, quorum 2 of 3): w3 is offline
   * on these days (its process stopped) while w1 and w2 keep the quorum; started again on
   * the same state folder, it catches up through the 409 that names its size.
   */
  witnessOffline: { witness: 'w3', days: [11, 12] },
  /** w2 and w3 offline on this day: its checkpoint has one cosignature, the reader sees INVALID LOG_QUORUM_NOT_MET. */
  quorumLost: { witnesses: ['w2', 'w3'], day: 17 },
  /**
   * After the faults, the signers renew early and move to a weekly heartbeat (168 hours,
   * 48 of grace), as a service may: from then on a scheduled publish run rebuilds the site
   * only when something is new or comes due (docs/workflows.md, "When publish rebuilds").
   */
  weeklyHeartbeat: 20,
  reports: [
    { day: 50, id: '2026-h2' },
    { day: 236, id: '2027-h1' },
  ],
  // Every ~58 days, inside the watchdog's 14-day warning; the fourth (day 229) is missed.
  renewals: [55, 113, 171, 234, 290, 348],
  missedRenewal: 229,
  ciKeyRotation: 171,
  /** The CI key expires this many days after START: the watchdog warns 14 days before, the rotation is on day 171. */
  ciKeyDays: 180,
} as const;

export interface DayRecord {
  day: number;
  date: string;
  verdict: string;
  code: number;
  reasons: string[];
  /** The witnesses whose cosignatures the reader counted on the log's checkpoint. */
  cosigned: string[];
  ms: number;
  cpuMs: number;
}

export interface Expected {
  workflow: string;
  day: number;
  why: string;
}

export interface YearResult {
  days: DayRecord[];
  runs: Run[];
  service: Service;
  /** Failed runs the scenario expects (injected faults, the rejected and the hostile pull request). */
  expectedFailures: Expected[];
  /** Days the reader must see STALE, with the reason code it must give. */
  expectedStale: Map<number, string>;
  /** Days the reader must see INVALID (the witness quorum lost), with the reason code. */
  expectedInvalid: Map<number, string>;
  /** Operators' mails (watchdog), with their Date header. */
  timings: { setupMs: number; perDayMs: number[] };
  notes: string[];
  close(): Promise<void>;
}

const iso = (d: Date): string => d.toISOString().slice(0, 10);
const addDays = (d: Date, n: number): Date => new Date(d.getTime() + n * DAY);
/** An instant of a simulated day: day 0 is the service's first day. */
const atHour = (day: number, h: number, m = 0, origin = START): Date => new Date(origin.getTime() + day * DAY + h * HOUR + m * 60_000);

/** A pull request from a clone of main: change, commit, push, open; wait for pr-check and pr-comment. */
async function pullRequest(
  s: Service,
  o: { who: string; branch: string; title: string; at: Date; change: (dir: string) => Promise<void>; fork?: string },
): Promise<{ number: number; check: Run; comment: Run | undefined }> {
  const clone = await s.clone(o.who, o.fork ? { repository: o.fork } : {});
  await git(['-C', clone.dir, 'checkout', '--quiet', '-b', o.branch]);
  await o.change(clone.dir);
  await clone.commit(o.title.replace(/[^\w .:,-]/g, ''), o.at);
  await clone.push(o.branch, o.at);
  const user = o.who === 'mallory' ? PEOPLE['mallory']! : PEOPLE['maintainer']!;
  const { pr, runs } = await s.gh.openPullRequest({
    title: o.title,
    user,
    headRef: o.branch,
    at: new Date(o.at.getTime() + 5 * 60_000),
    ...(o.fork ? { headRepository: o.fork } : {}),
  });
  await s.gh.idle();
  const check = runs.find((r) => r.workflow.file === 'pr-check.yml');
  if (!check) throw new Error(`pull request #${pr.number} (${o.title}) did not trigger pr-check`);
  const comment = s.gh.runs.find((r) => r.workflow.file === 'pr-comment.yml' && (r.payload['workflow_run'] as { id: number }).id === check.id);
  return { number: pr.number, check, comment };
}

async function merge(s: Service, number: number, at: Date): Promise<Run[]> {
  s.now = at;
  const runs = await s.gh.mergePullRequest(number, at);
  await s.gh.idle();
  return runs;
}

/** A new version of a policy, from its latest one, with the given class and notice. */
async function writePolicyVersion(
  dir: string,
  o: { policy: string; from: string; version: string; change: string; published: Date; effectiveDays: number; summary: string; edit: (body: string) => string },
): Promise<void> {
  const folder = path.join(dir, 'content', 'policies', o.policy);
  const text = await readFile(path.join(folder, `${o.from}.md`), 'utf8');
  const end = text.indexOf('\n---', 4);
  const head = text
    .slice(0, end)
    .replace(/^version: .*/m, `version: "${o.version}"`)
    .replace(/^published: .*/m, `published: ${iso(o.published)}`)
    .replace(/^effective: .*/m, `effective: ${iso(addDays(o.published, o.effectiveDays))}`)
    .replace(/^change: .*/m, `change: ${o.change}`)
    .replace(/^summary: .*/m, `summary: ${JSON.stringify(o.summary)}`)
    .replace(/^corrections:[\s\S]*?(?=^\w)/m, '');
  await writeFile(path.join(folder, `${o.version}.md`), `${head}${o.edit(text.slice(end))}`);
}

/** The signers' renewal: Ada prepares it in her clone, both sign (candor, gpg), then the pull request. */
export const WEEKLY = { intervalHours: 168, graceHours: 48 } as const;

export async function renew(
  s: Service,
  day: number,
  rotate?: { retired: SimKey; replacement: SimKey },
  heartbeat?: { intervalHours: number; graceHours: number },
): Promise<void> {
  const at = atHour(day, 10, 0, s.start);
  const { number, check, comment } = await pullRequest(s, {
    who: 'ada-moreau',
    branch: `attestation-day-${day}`,
    title: `Attestation: renewal of ${iso(at)}${rotate ? ' (new CI key)' : ''}${heartbeat ? ` (a heartbeat every ${heartbeat.intervalHours} hours)` : ''}`,
    at,
    change: async (dir) => {
      if (heartbeat) {
        const file = path.join(dir, 'content', 'canary', 'canary.yml');
        const config = parseDocument(await readFile(file, 'utf8'));
        config.setIn(['heartbeat', 'intervalHours'], heartbeat.intervalHours);
        config.setIn(['heartbeat', 'graceHours'], heartbeat.graceHours);
        await writeFile(file, config.toString());
      }
      if (rotate) {
        const pub = path.join(s.dir, `${rotate.replacement.fingerprint}.pub.asc`);
        await writeFile(pub, rotate.replacement.publicKey);
        const r = await s.candor(
          dir,
          ['keys', 'rotate', '--key', rotate.retired.file, '--new-key', pub, '--reason', 'The CI key expires: scheduled rotation.'],
          at,
        );
        if (r.code !== 0) throw new Error(`keys rotate: ${r.err}`);
        const file = path.join(dir, 'content', 'canary', 'canary.yml');
        const config = parseDocument(await readFile(file, 'utf8'));
        config.setIn(['heartbeat', 'keys'], [{ name: rotate.replacement.name, fingerprint: rotate.replacement.fingerprint }]);
        config.setIn(
          ['rotations'],
          [{ retired: rotate.retired.fingerprint, replacement: rotate.replacement.fingerprint, reason: 'The CI key expires: scheduled rotation.' }],
        );
        await writeFile(file, config.toString());
      }
      await signAttestation(s, dir, at, []);
    },
  });
  if (check.conclusion !== 'success') throw new Error(`renewal pull request #${number}: pr-check ${check.conclusion}\n${check.log().slice(-3000)}`);
  if (comment?.conclusion !== 'success') throw new Error(`renewal pull request #${number}: no review comment`);
  // The operators change the CI secret with the merge that names the new key.
  if (rotate) s.secrets['CANDOR_SIGNING_KEY'] = rotate.replacement.privateKey;
  await merge(s, number, atHour(day, 11, 0, s.start));
}

export async function publishReport(s: Service, day: number, id: string): Promise<void> {
  const at = atHour(day, 9, 0, s.start);
  const [year, half] = id.split('-') as [string, string];
  const start = half === 'h1' ? `${year}-01-01` : `${year}-07-01`;
  const end = half === 'h1' ? `${year}-06-30` : `${year}-12-31`;
  const { number, check } = await pullRequest(s, {
    who: 'octo-maintainer',
    branch: `report-${id}`,
    title: `Transparency report ${id}`,
    at,
    change: async (dir) => {
      const folder = path.join(dir, 'content', 'transparency');
      const reports = (await git(['-C', dir, 'ls-files', 'content/transparency/*.md'])).split('\n').sort();
      const last = await readFile(path.join(dir, reports.at(-1)!), 'utf8');
      const next = last
        .replace(/^title: .*/m, `title: "Transparency report: ${half === 'h1' ? 'January to June' : 'July to December'} ${year}"`)
        .replace(/^ {2}start: .*/m, `  start: ${start}`)
        .replace(/^ {2}end: .*/m, `  end: ${end}`)
        .replace(/^published: .*/m, `published: ${iso(at)}`)
        .replace(/^nextReportDue: .*/m, `nextReportDue: ${iso(addDays(new Date(`${end}T00:00:00Z`), 31 + 10))}`)
        .replace(/^corrections:[\s\S]*?(?=^\w)/m, '');
      await writeFile(path.join(folder, `${id}.md`), next);
      const signed = await s.candor(dir, ['report', 'sign', id, '--key', s.ada.file], at);
      if (signed.code !== 0) throw new Error(`report sign: ${signed.err}`);
    },
  });
  if (check.conclusion !== 'success') throw new Error(`report pull request: pr-check ${check.conclusion}\n${check.log().slice(-3000)}`);
  await merge(s, number, atHour(day, 10, 0, s.start));
}

/** Which witnesses run on `day` (PLAN.witnessOffline, PLAN.quorumLost): stopped and started at the day's start. */
async function witnessesFor(s: Service, day: number): Promise<void> {
  const down = new Set<string>([
    ...((PLAN.witnessOffline.days as readonly number[]).includes(day) ? [PLAN.witnessOffline.witness] : []),
    ...(day === PLAN.quorumLost.day ? PLAN.quorumLost.witnesses : []),
  ]);
  const changing = s.witnesses.filter((w) => down.has(w.name) === w.up);
  await Promise.all(changing.map((w) => (w.up ? w.stop() : w.start())));
}

export interface YearOptions {
  days: number;
  log?: (line: string) => void;
}

export async function simulateYear(o: YearOptions): Promise<YearResult> {
  const t0 = performance.now();
  const notes: string[] = [];
  const log = o.log ?? (() => undefined);
  let killArmed = false;
  let releaseHold: (() => void) | undefined;
  const s = await startService({
    start: START,
    ciKeyDays: PLAN.ciKeyDays,
    // The canary log all year (issue 15): every heartbeat and attestation a leaf, verified by the reader,
    // each checkpoint cosigned by the witnesses of canary.yml's policy (2 of 3).
    canaryLog: true,
    witnesses: WITNESSES,
    // The killed run: its heartbeat push is held at the git host, and the job is killed
    // when it has printed that the heartbeat is signed and archived: it never lands.
    holdPush: (pusher) =>
      killArmed && pusher.kind === 'workflow'
        ? new Promise<void>((resolve) => {
            releaseHold = resolve;
          })
        : undefined,
    watch: (run, job, line) => {
      if (killArmed && run.workflow.file === 'publish.yml' && job === 'heartbeat' && /^Issued heartbeat/.test(line)) {
        setTimeout(() => releaseHold?.(), 2_000);
        return 'kill';
      }
      return undefined;
    },
  });
  const setupMs = performance.now() - t0;
  const state = path.join(s.dir, 'reader', 'state.json');
  await mkdir(path.dirname(state), { recursive: true });
  const days: DayRecord[] = [];
  const expectedFailures: Expected[] = [];
  const expectedStale = new Map<number, string>();
  const expectedInvalid = new Map<number, string>();
  const perDayMs: number[] = [];
  const within = (d: number): boolean => d < o.days;
  // Every process of the day: the runner's and the readers' (reaped), and the witnesses' servers (running).
  const cpu = (): number => cpuMs() + s.witnesses.reduce((n, w) => n + w.cpuMs(), 0);
  let ci = s.ci;

  for (let day = 0; day < o.days; day++) {
    const dayStart = performance.now();
    const cpuStart = cpu();
    const begin = addDays(START, day);
    if (PLAN.explorersDown.includes(day as 8)) s.chain.setDown(true);
    if (day === PLAN.explorersDown.at(-1)! + 1) s.chain.setDown(false);
    if (day === PLAN.smtpDown) await s.setSmtp(false);
    if (day === PLAN.smtpDown + 1) await s.setSmtp(true);
    await witnessesFor(s, day);
    await s.gh.maintain();
    const times = await s.gh.schedules(new Date(begin.getTime() - 1), new Date(begin.getTime() + DAY - 1));
    const actions: { at: Date; run: () => Promise<void> }[] = [];
    const action = (at: Date, run: () => Promise<void>): void => void actions.push({ at, run });

    if (day === PLAN.materialPolicy) {
      action(atHour(day, 9), async () => {
        const { number, check, comment } = await pullRequest(s, {
          who: 'octo-maintainer',
          branch: 'mail-1.2',
          title: 'Mail 1.2: delivery logs kept 30 days',
          at: atHour(day, 9),
          change: (dir) =>
            writePolicyVersion(dir, {
              policy: 'mail',
              from: '1.1',
              version: '1.2',
              change: 'material',
              published: begin,
              effectiveDays: 31,
              summary: 'Delivery logs are kept for 30 days instead of 60.',
              edit: (b) => b.replace(/\n\n([^\n]+)/, '\n\nFrom this version on, delivery logs are kept for 30 days. $1'),
            }),
        });
        if (check.conclusion !== 'success' || comment?.conclusion !== 'success')
          throw new Error(`material policy pull request: ${check.conclusion}\n${check.log().slice(-3000)}`);
        await merge(s, number, atHour(day, 10));
      });
    }
    if (day === PLAN.editorialPolicy) {
      action(atHour(day, 9), async () => {
        const { number, check } = await pullRequest(s, {
          who: 'octo-maintainer',
          branch: 'cookies-1.2',
          title: 'Cookies 1.2: wording',
          at: atHour(day, 9),
          change: (dir) =>
            writePolicyVersion(dir, {
              policy: 'cookies',
              from: '1.1',
              version: '1.2',
              change: 'editorial',
              published: begin,
              effectiveDays: 0,
              summary: 'Wording: a clearer first paragraph.',
              edit: (b) => b.replace(/\n\n([^\n]+)/, '\n\nIn short: $1'),
            }),
        });
        if (check.conclusion !== 'success') throw new Error(`editorial pull request: ${check.conclusion}\n${check.log().slice(-3000)}`);
        await merge(s, number, atHour(day, 10));
      });
      expectedFailures.push({ workflow: 'publish.yml', day, why: 'SMTP down: the e-mail notice fails, the next run sends it' });
    }
    if (day === PLAN.rejectedPolicy) {
      action(atHour(day, 9), async () => {
        const { number, check, comment } = await pullRequest(s, {
          who: 'octo-maintainer',
          branch: 'mail-1.3',
          title: 'Mail 1.3: shorter logs, next week',
          at: atHour(day, 9),
          change: (dir) =>
            writePolicyVersion(dir, {
              policy: 'mail',
              from: '1.2',
              version: '1.3',
              change: 'material',
              published: begin,
              effectiveDays: 10,
              summary: 'Delivery logs are kept for 14 days.',
              edit: (b) => b.replace(/\n\n([^\n]+)/, '\n\nDelivery logs are kept for 14 days. $1'),
            }),
        });
        const body = s.gh.api.comments.find((c) => c.issue === number)?.body ?? '';
        if (check.conclusion !== 'failure' || comment?.conclusion !== 'success' || !/❌ 10 days between publication/.test(body))
          throw new Error(
            `the rejected pull request was not rejected with its reason: pr-check ${check.conclusion}, pr-comment ${comment?.conclusion ?? 'none'}\n${body.slice(0, 2000)}\n${comment?.log().slice(-3000) ?? check.log().slice(-3000)}`,
          );
        notes.push(`rejected pull request #${number}: ${/❌ \d+ days between publication[^<|\n]*/.exec(body)![0]}`);
        s.gh.closePullRequest(number);
      });
      expectedFailures.push({ workflow: 'pr-check.yml', day, why: 'a material change with 10 days of notice' });
    }
    if (day === PLAN.forkPullRequest) {
      action(atHour(day, 9), async () => {
        const fork = await s.gh.createFork('mallory');
        const marker = path.join(s.dir, 'pwned');
        const { number, check, comment } = await pullRequest(s, {
          who: 'mallory',
          fork,
          branch: `typo$(touch\${IFS}${marker})`,
          at: atHour(day, 9),
          title: `Fix typo $(touch ${marker}) \${{ secrets.CANDOR_SIGNING_KEY }} @octo-maintainer #1`,
          change: async (dir) => {
            // The workflow itself, changed to print the secrets, and file names that are shell.
            const wf = path.join(dir, '.github', 'workflows', 'pr-check.yml');
            await writeFile(
              wf,
              (await readFile(wf, 'utf8')).replace(
                '      - run: npm ci --no-audit --no-fund',
                `      - run: echo "key=[\${{ secrets.CANDOR_SIGNING_KEY }}] pass=[\${{ secrets.CANDOR_PASSPHRASE }}] env=[$CANDOR_SIGNING_KEY]"\n      - run: npm ci --no-audit --no-fund`,
              ),
            );
            // File names that are shell: if anything ran them, "42injected" would appear somewhere.
            await writeFile(
              path.join(dir, 'content', 'policies', 'privacy', '$((6*7))injected.md'),
              '---\ntitle: x\n---\n@octo-maintainer <!-- candor:pr-review -->\n',
            );
            await writeFile(path.join(dir, 'content', '`expr 40 + 2`injected.md'), 'hello\n');
          },
        });
        const logs = [check.log(), comment?.log() ?? ''].join('\n');
        const leaked = [s.secrets['CANDOR_SIGNING_KEY']!.split('\n')[3]!, PASSPHRASE, s.secrets['CANDOR_SMTP_PASSWORD']!].filter((secret) =>
          logs.includes(secret),
        );
        const job = check.jobs.get('check')!;
        const markerExists =
          (await readFile(marker).then(
            () => true,
            () => false,
          )) || `${logs}${s.gh.api.comments.map((c) => c.body).join('')}`.includes('42injected');
        const body = s.gh.api.comments.find((c) => c.issue === number)?.body ?? '';
        if (
          leaked.length ||
          job.secrets.length ||
          Object.values(job.permissions).includes('write') ||
          markerExists ||
          !check.log().includes('key=[] pass=[] env=[]') ||
          /(^|\s)@octo-maintainer/.test(body)
        ) {
          throw new Error(
            `the fork's pull request reached something it must not: leaked ${leaked.length}, secrets ${job.secrets.join(',')}, permissions ${JSON.stringify(job.permissions)}, marker ${markerExists}\n${body.slice(0, 1500)}`,
          );
        }
        notes.push(
          `fork pull request #${number}: pr-check ${check.conclusion} with no secret and a read-only token; comment ${comment?.conclusion ?? 'none'}; nothing executed from its title, branch or file names`,
        );
        if (check.conclusion === 'failure') expectedFailures.push({ workflow: 'pr-check.yml', day, why: "the fork's files do not pass candor check" });
        s.gh.closePullRequest(number);
      });
    }
    if (PLAN.explorersDown.includes(day as 8))
      expectedFailures.push({ workflow: 'publish.yml', day, why: 'explorers unreachable: no heartbeat without a proof' });
    if (day === PLAN.killedPublish) expectedFailures.push({ workflow: 'publish.yml', day, why: 'killed between signing and pushing the heartbeat' });
    for (const r of PLAN.reports) if (r.day === day) action(atHour(day, 9), () => publishReport(s, day, r.id));
    if (day === PLAN.weeklyHeartbeat) action(atHour(day, 10), () => renew(s, day, undefined, WEEKLY));
    if ((PLAN.renewals as readonly number[]).includes(day)) {
      action(atHour(day, 10), async () => {
        if (day === PLAN.ciKeyRotation) {
          const replacement = await s.makeKey('Lumen Mail CI 2', atHour(day, 9), 730);
          await renew(s, day, { retired: ci, replacement });
          ci = replacement;
        } else await renew(s, day);
      });
    }

    // The day's timeline: schedules, the operators' actions, the reader at noon.
    type Item =
      { at: Date; kind: 'schedule'; cron: string; workflows: string[] } | { at: Date; kind: 'action'; run: () => Promise<void> } | { at: Date; kind: 'reader' };
    const items: Item[] = [
      ...times.map((t) => ({ ...t, kind: 'schedule' as const })),
      ...actions.map((a) => ({ ...a, kind: 'action' as const })),
      { at: atHour(day, 12), kind: 'reader' as const },
    ].sort((a, b) => a.at.getTime() - b.at.getTime());
    let reader: Promise<void> | undefined;
    for (const item of items) {
      // The reader only reads Pages; the watchdog only writes issues: they may overlap, as on GitHub.
      if (reader && !(item.kind === 'schedule' && item.workflows.every((w) => w === 'watchdog.yml'))) await reader;
      s.now = item.at;
      if (item.kind === 'action') {
        await item.run();
      } else if (item.kind === 'reader') {
        reader = (async () => {
          const pins = day === 0 ? ['--keys', `${s.ada.fingerprint},${s.bruno.fingerprint}`] : [];
          const r = await s.read(state, item.at, pins);
          const verdict = /^(ALIVE|STALE|TRIPPED|INVALID)/m.exec(r.out)?.[1] ?? `exit ${r.code}`;
          const reasons = [...r.out.matchAll(/^ {2}([A-Z_]+) \(/gm)].map((m) => m[1]!);
          const cosigned = [...(/cosigned by (.*)$/m.exec(r.out)?.[1]?.matchAll(/(\S+) at \S+/g) ?? [])].map((m) => m[1]!);
          days.push({ day, date: iso(begin), verdict, code: r.code, reasons, cosigned, ms: 0, cpuMs: 0 });
        })();
      } else {
        const publish = item.workflows.includes('publish.yml');
        killArmed = publish && day === PLAN.killedPublish;
        if (publish && day === PLAN.twoPublishRuns) {
          // Two publish runs started at once: the schedule and a person's dispatch.
          await Promise.all([
            s.gh.trigger({ event: 'schedule', cron: item.cron, at: item.at }),
            s.gh.trigger({ event: 'workflow_dispatch', workflow: 'publish.yml', at: item.at }),
          ]);
        } else {
          await s.gh.trigger({ event: 'schedule', cron: item.cron, at: item.at });
        }
        killArmed = false;
        await s.gh.idle();
      }
    }
    await reader;
    const ms = performance.now() - dayStart;
    perDayMs.push(ms);
    days.at(-1)!.ms = ms;
    days.at(-1)!.cpuMs = cpu() - cpuStart;
    const down = s.witnesses.filter((w) => !w.up).map((w) => w.name);
    log(
      `day ${day} ${iso(begin)}: ${days.at(-1)!.verdict}${days.at(-1)!.reasons.length ? ` (${days.at(-1)!.reasons.join(', ')})` : ''} in ${(ms / 1000).toFixed(1)} s wall, ${(days.at(-1)!.cpuMs / 1000).toFixed(1)} s CPU${down.length ? `; witnesses offline: ${down.join(', ')}` : ''}`,
    );
  }

  // The stale days a reader must see, with their reason.
  const hbExpiry = PLAN.explorersDown[0] - 1 + 2; // the last heartbeat before the outage lives 48 h
  for (let d = hbExpiry; d <= PLAN.explorersDown.at(-1)!; d++) if (within(d)) expectedStale.set(d, 'HEARTBEAT_EXPIRED');
  const lastRenewal = [...PLAN.renewals].filter((d) => d < PLAN.missedRenewal).at(-1)!;
  const recovery = [...PLAN.renewals].find((d) => d > PLAN.missedRenewal)!;
  for (let d = lastRenewal + 60; d < recovery; d++) if (within(d)) expectedStale.set(d, 'ATTESTATION_EXPIRED');
  // No heartbeat for an expired attestation: the scheduled publish runs fail until the renewal is merged.
  for (let d = lastRenewal + 61; d <= recovery; d++)
    if (within(d)) expectedFailures.push({ workflow: 'publish.yml', day: d, why: 'the attestation has expired (missed renewal): no heartbeat' });
  // The day's heartbeat was logged with one witness of three up: its checkpoint does not meet the quorum.
  if (within(PLAN.quorumLost.day)) expectedInvalid.set(PLAN.quorumLost.day, 'LOG_QUORUM_NOT_MET');
  return {
    days,
    runs: s.gh.runs,
    service: s,
    expectedFailures: expectedFailures.filter((e) => within(e.day)),
    expectedStale,
    expectedInvalid,
    notes,
    timings: { setupMs, perDayMs },
    close: () => s.close(),
  };
}

export { exec };
