/**
 * A large Candor project for the site-build bench (issue 5): years of daily heartbeats
 * with their attestations (taken from the cached bench world, scripts/bench/world.ts),
 * hundreds of policy versions and a run of half-yearly transparency reports.
 *
 * Everything is derived from the demo content, so the pages are realistic in size and
 * shape: each policy version is the demo policy's latest version with its dates,
 * version, change class, facts and a few sentences changed; each report is the demo's
 * latest report moved to another half-year. Dates follow the publishing rules
 * (docs/content.md): effective dates strictly increasing, published never after
 * effective, at least the notice period before a material change, editorial changes
 * with unchanged facts. The newest version of each policy is upcoming at `now`.
 */
import { copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { archiveName, listArchive, readArchived } from '../../src/io/archive.ts';
import { addDays } from '../../src/core/report/period.ts';
import type { BenchWorld } from './world.ts';

export interface ContentSize {
  heartbeats: number;
  policyVersions: number;
  reports: number;
}

export interface LargeProject {
  root: string;
  /** The build's clock (CANDOR_NOW): an hour after the last heartbeat, so the canary is alive. */
  now: string;
  heartbeats: number;
  attestations: number;
  /** Versions per policy. */
  policies: Record<string, number>;
  reports: number;
  /** Bytes of Markdown written for policies and reports. */
  markdownBytes: number;
}

const HOUR = 3_600_000;

/** How the policy versions are shared out: a long-lived privacy policy and two smaller ones. */
const POLICY_SHARES: [string, number][] = [
  ['privacy', 0.8],
  ['mail', 0.125],
  ['cookies', 0.075],
];

function splitVersions(total: number): Record<string, number> {
  const out: Record<string, number> = {};
  let left = total;
  POLICY_SHARES.forEach(([id, share], i) => {
    const n = i === POLICY_SHARES.length - 1 ? left : Math.max(1, Math.round(total * share));
    out[id] = n;
    left -= n;
  });
  return out;
}

interface FrontMatter {
  [field: string]: unknown;
}

function splitFrontMatter(source: string, file: string): { data: FrontMatter; body: string } {
  const match = /^---\n([\s\S]*?)\n---\n([\s\S]*)$/.exec(source.replace(/\r\n/g, '\n'));
  if (!match) throw new Error(`${file}: no front matter`);
  return { data: parse(match[1]!) as FrontMatter, body: match[2]! };
}

const withFrontMatter = (data: FrontMatter, body: string): string => `---\n${stringify(data, { lineWidth: 0 })}---\n${body}`;

/** The demo file with the highest version number (or the last report) in a content folder. */
async function newestDemoFile(dir: string): Promise<string> {
  const names = (await readdir(dir)).filter((n) => n.endsWith('.md') && n !== 'README.md');
  const key = (n: string) =>
    n
      .replace(/\.md$/, '')
      .split(/[.-]/)
      .map((p) => p.padStart(6, '0'))
      .join('.');
  const newest = names.sort((a, b) => key(a).localeCompare(key(b))).at(-1);
  if (!newest) throw new Error(`${dir}: no demo file to copy`);
  return path.join(dir, newest);
}

type Change = 'material' | 'minor' | 'editorial';

interface Dated {
  version: string;
  change: Change;
  published: number;
  effective: number;
}

/**
 * Version numbers, change classes and dates (as day offsets, the last version's
 * effective day at `lastEffective`) for `count` versions. Every tenth is material
 * (a new major version, 35 days of notice), every tenth from the fifth editorial, the
 * rest minor; the newest is material.
 */
function timeline(count: number, lastEffective: number): Dated[] {
  const out: Dated[] = [];
  let effective = 0;
  for (let i = 0; i < count; i++) {
    const last = i === count - 1;
    const change: Change = i % 10 === 0 || last ? 'material' : i % 10 === 5 ? 'editorial' : 'minor';
    const prev = out.at(-1);
    const major = prev ? Number(prev.version.split('.')[0]) : 1;
    const version = !prev ? '1.0' : change === 'material' ? `${major + 1}.0` : `${major}.${Number(prev.version.split('.')[1]) + 1}`;
    if (prev) effective += change === 'material' ? 45 : 18;
    out.push({ version, change, effective, published: effective - (change === 'material' ? 35 : 5) });
  }
  const shift = lastEffective - effective;
  return out.map((d) => ({ ...d, effective: d.effective + shift, published: d.published + shift }));
}

const dayOf = (epochDay: number): string => new Date(epochDay * 86_400_000).toISOString().slice(0, 10);

/** The facts changed a little for version i (a retention period or a cookie lifetime). */
function tweakFacts(facts: FrontMatter | undefined, i: number): FrontMatter | undefined {
  if (!facts) return facts;
  const copy = structuredClone(facts);
  const retention = copy['retention'] as { period: string }[] | undefined;
  const cookies = copy['cookies'] as { lifetime: string }[] | undefined;
  if (retention && retention.length > 0) retention[i % retention.length]!.period = `${10 + (i % 50)} days`;
  else if (cookies && cookies.length > 0) cookies[i % cookies.length]!.lifetime = `${1 + (i % 30)} days`;
  return copy;
}

/**
 * The policies: each version the demo policy with one more paragraph revised (a note
 * that replaces the paragraph's previous one), so that consecutive versions differ by a
 * sentence or two and far-apart versions by many.
 */
async function writePolicies(repo: string, root: string, counts: Record<string, number>, nowDay: number): Promise<number> {
  let bytes = 0;
  for (const [id, count] of Object.entries(counts)) {
    const template = await newestDemoFile(path.join(repo, 'content', 'policies', id));
    const { data, body } = splitFrontMatter(await readFile(template, 'utf8'), template);
    delete data['corrections'];
    delete data['translationOf'];
    const paragraphs = body.split('\n\n');
    const editable = paragraphs.map((p, i) => (/^\s*(#|\|)/.test(p) || p.trim() === '' ? -1 : i)).filter((i) => i >= 0);
    const current = [...paragraphs];
    const dir = path.join(root, 'content', 'policies', id);
    await mkdir(dir, { recursive: true });
    let facts = data['facts'] as FrontMatter | undefined;
    for (const [i, d] of timeline(count, nowDay + 20).entries()) {
      if (d.change !== 'editorial') facts = tweakFacts(facts, i);
      const p = editable[(i * 7) % editable.length]!;
      current[p] = `${paragraphs[p]!.trimEnd()} We reviewed this part for version ${d.version} (${d.change} change ${i + 1} of ${count}).`;
      const fm: FrontMatter = {
        ...data,
        version: d.version,
        effective: dayOf(d.effective),
        published: dayOf(d.published),
        change: d.change,
        summary: `Version ${d.version}: ${d.change === 'editorial' ? 'wording only; the facts are unchanged' : `a ${d.change} change to one section and one fact`} (generated for the site-build bench).`,
        ...(facts ? { facts } : {}),
      };
      const text = withFrontMatter(fm, current.join('\n\n'));
      bytes += Buffer.byteLength(text);
      await writeFile(path.join(dir, `${d.version}.md`), text);
    }
  }
  return bytes;
}

/** Half-year ids, oldest first, the newest being the last one published by `today`. */
function halfYears(count: number, today: string): { id: string; start: string; end: string }[] {
  let year = Number(today.slice(0, 4));
  let half = 2;
  const out: { id: string; start: string; end: string }[] = [];
  while (out.length < count) {
    const start = `${year}-${half === 1 ? '01-01' : '07-01'}`;
    const end = `${year}-${half === 1 ? '06-30' : '12-31'}`;
    if (addDays(end, 26) <= today) out.unshift({ id: `${year}-h${half}`, start, end });
    if (half === 1) {
      year--;
      half = 2;
    } else half = 1;
  }
  return out;
}

async function writeReports(repo: string, root: string, count: number, today: string): Promise<number> {
  const template = await newestDemoFile(path.join(repo, 'content', 'transparency'));
  const { data, body } = splitFrontMatter(await readFile(template, 'utf8'), template);
  delete data['corrections'];
  const dir = path.join(root, 'content', 'transparency');
  await mkdir(dir, { recursive: true });
  let bytes = 0;
  for (const p of halfYears(count, today)) {
    const fm: FrontMatter = {
      ...data,
      title: `Transparency report: ${p.start} to ${p.end}`,
      period: { start: p.start, end: p.end },
      cadence: 'half-yearly',
      published: addDays(p.end, 26),
      nextReportDue: addDays(p.end, 212),
    };
    const text = withFrontMatter(fm, body);
    bytes += Buffer.byteLength(text);
    await writeFile(path.join(dir, `${p.id}.md`), text);
  }
  return bytes;
}

/** The first `heartbeats` heartbeats of the world's archive, the attestations they need, and the canary content matching them. */
async function writeCanary(repo: string, root: string, world: BenchWorld, heartbeats: number): Promise<{ now: string; attestations: number }> {
  const hbNames = (await listArchive(world.archive, 'heartbeat')).slice(0, heartbeats);
  if (hbNames.length < heartbeats) throw new Error(`the bench world has ${hbNames.length} heartbeats, ${heartbeats} asked for`);
  const lastHb = await readArchived<HeartbeatData>(path.join(world.archive, hbNames.at(-1)!), world.dir);
  const attestations = lastHb.data.attestation.sequence;
  const att = await readArchived<AttestationData>(path.join(world.archive, archiveName('attestation', attestations)), world.dir);
  const archive = path.join(root, 'content', 'canary', 'archive');
  await mkdir(archive, { recursive: true });
  const names = [...Array.from({ length: attestations }, (_, i) => archiveName('attestation', i + 1)), ...hbNames];
  for (const name of names) await copyFile(path.join(world.archive, name), path.join(archive, name));
  await mkdir(path.join(root, 'keys'), { recursive: true });
  for (const name of await readdir(world.keys)) await copyFile(path.join(world.keys, name), path.join(root, 'keys', name));

  const a = att.data;
  const demoConfig = parse(await readFile(path.join(repo, 'content', 'canary', 'canary.yml'), 'utf8')) as FrontMatter;
  const config = {
    ...demoConfig,
    signers: a.signers,
    heartbeat: { ...(demoConfig['heartbeat'] as FrontMatter), keys: a.heartbeat.keys },
    cadence: { attestationLifetimeDays: 90, maxAttestationLifetimeDays: 90, warnDays: 14 },
    panicKeys: a.panicKeys,
    rotations: [],
    documents: [],
  };
  await writeFile(path.join(root, 'content', 'canary', 'canary.yml'), stringify(config, { lineWidth: 0 }));
  await writeFile(path.join(root, 'content', 'canary', 'statements.yml'), stringify({ statements: a.statements }, { lineWidth: 0 }));
  await writeFile(path.join(root, 'content', 'service.yml'), stringify({ name: a.service.name, url: a.service.url }));
  const now = new Date(Date.parse(lastHb.data.issued) + HOUR).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return { now, attestations };
}

/** Writes a project of the given size under `root` (which must be empty or missing). */
export async function largeProject(repo: string, world: BenchWorld, root: string, size: ContentSize): Promise<LargeProject> {
  const { now, attestations } = await writeCanary(repo, root, world, size.heartbeats);
  const today = now.slice(0, 10);
  const nowDay = Math.floor(Date.parse(`${today}T00:00:00Z`) / 86_400_000);
  const policies = splitVersions(size.policyVersions);
  const markdownBytes = (await writePolicies(repo, root, policies, nowDay)) + (await writeReports(repo, root, size.reports, today));
  return { root, now, heartbeats: size.heartbeats, attestations, policies, reports: size.reports, markdownBytes };
}
