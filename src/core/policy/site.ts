/**
 * What the site's policy pages show, as plain data (pure: the clock is a parameter).
 * The Astro pages under src/site/pages/policies/ only lay it out.
 *
 * Paths are the stable public ones of changelog.ts's policyLinks:
 *   /policies/                         every policy
 *   /policies/<policy>/                the version in force
 *   /policies/<policy>/<version>/      a permalink for every version
 *   /policies/<policy>/changelog/      and /policies/changelog/ (all policies)
 *   /policies/<policy>/compare/<a>...<b>/
 */
import type { Token } from 'markdown-it';
import { readableDay } from '../dates.ts';
import { escapeHtml } from '../escape.ts';
import { markdown } from '../markdown.ts';
import { currentVersion, upcomingVersions } from './changelog.ts';
import { safeHref } from './diff/render-inline.ts';
import { renderDiffHtml } from './diff/render.ts';
import { diffPolicies, type DiffStats } from './diff/word-diff.ts';
import { diffFacts, type FactChange } from './facts-diff.ts';
import * as say from './facts-text.ts';
import type { Facts, PolicyVersion } from './model.ts';

export type VersionStatus = 'current' | 'upcoming' | 'past';

/** Names under /policies/ that are pages, not policies. */
export const RESERVED_POLICY_IDS: readonly string[] = ['changelog'];

export const policyPath = (policy: string): string => `/policies/${policy}/`;
export const versionPath = (policy: string, version: string): string => `/policies/${policy}/${version}/`;
export const changelogPath = (policy?: string): string => (policy ? `/policies/${policy}/changelog/` : '/policies/changelog/');
export const compareIndexPath = (policy: string): string => `/policies/${policy}/compare/`;
export const comparePath = (policy: string, a: string, b: string): string => `/policies/${policy}/compare/${a}...${b}/`;

export interface PolicySummary {
  id: string;
  /** The title readers know the policy by: the current version's, else the first upcoming one's. */
  title: string;
  /** Sorted by version number (as readPolicies returns them). */
  versions: PolicyVersion[];
  current?: PolicyVersion;
  upcoming: PolicyVersion[];
  supplements?: string;
}

export function summarisePolicy(id: string, versions: PolicyVersion[], now: Date): PolicySummary {
  const current = currentVersion(versions, now);
  const upcoming = upcomingVersions(versions, now);
  const shown = current ?? upcoming[0] ?? versions.at(-1);
  const supplements = shown?.supplements;
  return {
    id,
    title: shown?.title ?? id,
    versions,
    upcoming,
    ...(current ? { current } : {}),
    ...(supplements ? { supplements } : {}),
  };
}

export function versionStatus(v: PolicyVersion, versions: PolicyVersion[], now: Date): VersionStatus {
  if (v === currentVersion(versions, now)) return 'current';
  return upcomingVersions(versions, now).includes(v) ? 'upcoming' : 'past';
}

/**
 * Pairs of versions (older first) that get a pre-rendered compare page.
 *
 * A static host cannot answer an arbitrary "compare a with b" request without a server
 * or JavaScript, and a policy page ships neither. So every pair is pre-rendered while a
 * policy has at most ALL_PAIRS_MAX versions: n(n-1)/2 pages, 66 for 12 versions, each
 * a few KB. Readers then reach any pair through plain links (the compare index lists
 * them all). Beyond that the count grows quadratically (200 versions would be 19,900
 * pages), so only the pairs the pages link to are kept: each version against the next
 * one (the changelog) and against the version in force ("what changed since"), and the
 * version in force against each upcoming one ("what will change"): at most 3n. Any other
 * pair is compared in the browser on the compare page (decision 0007).
 */
export const ALL_PAIRS_MAX = 12;

export function comparePairs(versions: PolicyVersion[], now: Date): [PolicyVersion, PolicyVersion][] {
  const pairs: [PolicyVersion, PolicyVersion][] = [];
  if (versions.length <= ALL_PAIRS_MAX) {
    versions.forEach((a, i) => {
      for (const b of versions.slice(i + 1)) pairs.push([a, b]);
    });
    return pairs;
  }
  const current = currentVersion(versions, now);
  const at = current ? versions.indexOf(current) : -1;
  const keep = new Set<string>();
  for (let i = 0; i < versions.length; i++) {
    // Upcoming versions come after the one in force, so i ≤ at covers "what changed since",
    // and i > at "what will change".
    for (const j of [i + 1, ...(at >= 0 ? [at] : [])]) {
      const [lo, hi] = i < j ? [i, j] : [j, i];
      if (lo === hi || hi >= versions.length || keep.has(`${lo}:${hi}`)) continue;
      keep.add(`${lo}:${hi}`);
      pairs.push([versions[lo]!, versions[hi]!]);
    }
  }
  return pairs.sort((x, y) => versions.indexOf(x[0]) - versions.indexOf(y[0]) || versions.indexOf(x[1]) - versions.indexOf(y[1]));
}

export interface Comparison {
  policy: string;
  from: PolicyVersion;
  to: PolicyVersion;
  facts: FactChange[];
  stats: DiffStats;
  /** renderDiffHtml's fragment: every piece of policy text in it is escaped. */
  html: string;
}

export function comparePolicyVersions(from: PolicyVersion, to: PolicyVersion): Comparison {
  const diff = diffPolicies(from.body, to.body);
  return { policy: to.policy, from, to, facts: diffFacts(from.facts, to.facts), stats: diff.stats, html: renderDiffHtml(diff) };
}

/**
 * A policy body as HTML, through the one markdown-it configuration (html: false: raw
 * tags are escaped text; its validateLink refuses javascript:, vbscript:, file: and
 * non-image data: links, which stay as text). Headings are shifted so that the highest
 * one is an <h2>: the page's <h1> is the policy title, and the outline must not skip.
 */
export function renderPolicyBody(body: string): string {
  const env = {};
  const tokens = markdown.parse(body, env);
  const levels = tokens.filter((t) => t.type === 'heading_open').map((t) => Number(t.tag.slice(1)));
  const shift = levels.length === 0 ? 0 : Math.max(0, 2 - Math.min(...levels));
  if (shift > 0) for (const t of tokens) shiftHeading(t, shift);
  return scrollingTables(markdown.renderer.render(tokens, markdown.options, env), tableLabels(tokens));
}

/** An inline token's text as read aloud: its words and code, without the Markdown marks. */
const plain = (t: Token): string =>
  (t.children ?? [])
    .filter((c) => c.type === 'text' || c.type === 'code_inline')
    .map((c) => c.content)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();

/** Each table's name for its scrolling region: "Table: Company, What it does for us", numbered when two would be the same. */
function tableLabels(tokens: Token[]): string[] {
  const labels: string[] = [];
  let heads: string[] | null = null;
  let inHead = false;
  for (const t of tokens) {
    if (t.type === 'table_open') heads = [];
    else if (t.type === 'thead_open') inHead = true;
    else if (t.type === 'thead_close') inHead = false;
    else if (t.type === 'inline' && inHead && heads) heads.push(plain(t));
    else if (t.type === 'table_close' && heads) {
      const base = `Table: ${heads.filter((h) => h !== '').join(', ')}`.slice(0, 120);
      const same = labels.filter((l) => l === base || l.startsWith(`${base} (`)).length;
      labels.push(same === 0 ? base : `${base} (${same + 1})`);
      heads = null;
    }
  }
  return labels;
}

/**
 * A table in a policy keeps its words whole, so on a phone it may be wider than the page:
 * it scrolls sideways in a region that a keyboard can focus and a screen reader names.
 * With html: false, no `<table>` in the output comes from the policy's own text.
 */
function scrollingTables(html: string, labels: string[]): string {
  let n = 0;
  return html
    .replace(/<table>/g, () => `<div class="table-scroll" role="region" tabindex="0" aria-label="${escapeHtml(labels[n++] ?? 'Table')}"><table>`)
    .replace(/<\/table>/g, '</table></div>');
}

function shiftHeading(t: Token, shift: number): void {
  if (t.type === 'heading_open' || t.type === 'heading_close') t.tag = `h${Math.min(6, Number(t.tag.slice(1)) + shift)}`;
}

export interface FactItem {
  text: string;
  /** A safe link target (http, https, mailto or relative), when the item is a link. */
  href?: string;
}

export interface FactRow {
  label: string;
  /** Empty list: the policy says there are none. */
  items: FactItem[];
  /** Shown instead of the items when the policy does not say. */
  missing?: 'not stated';
}

const list = <T>(label: string, values: T[] | undefined, item: (t: T) => FactItem): FactRow =>
  values === undefined ? { label, items: [], missing: 'not stated' } : { label, items: values.map(item) };

/** A row for an area added after the first model: shown only when the policy states it. */
const extra = <T>(label: string, values: T[] | undefined, item: (t: T) => FactItem): FactRow[] => (values === undefined ? [] : [list(label, values, item)]);
const one = (label: string, value: string | undefined): FactRow[] => (value === undefined ? [] : [{ label, items: [{ text: value }] }]);

/** The facts as table rows, in the order of the facts diff; an empty list reads "none". */
export function factRows(facts: Facts | undefined): FactRow[] {
  if (facts === undefined) return [];
  const contact: FactItem[] = [];
  if (facts.contact?.email) contact.push({ text: facts.contact.email, href: `mailto:${facts.contact.email}` });
  if (facts.contact?.url) {
    const href = safeHref(facts.contact.url);
    contact.push(href === null ? { text: facts.contact.url } : { text: facts.contact.url, href });
  }
  if (facts.contact?.address) contact.push({ text: facts.contact.address });
  return [
    ...one('Operator', facts.controller && say.controllerText(facts.controller)),
    list('Data collected', facts.dataCollected, (d) => ({ text: `${d.what}: ${say.dataText(d)}` })),
    ...extra('Not collected', facts.notCollected, (n) => ({ text: n })),
    ...extra('Purposes', facts.purposes, (p) => ({ text: `${p.purpose}: ${say.purposeText(p)}` })),
    ...extra('Processing', facts.processing, (a) => ({ text: `${a.activity}: ${say.processingText(a)}` })),
    list('Retention', facts.retention, (r) => ({ text: `${r.what}: ${say.retentionText(r)}` })),
    list('Third parties', facts.thirdParties, (t) => ({ text: `${say.partyLabel(t)} ${say.thirdPartyText(t)}` })),
    ...extra('Other recipients', facts.recipients, (r) => ({ text: `${r.who}: ${say.recipientText(r)}` })),
    ...one('Disclosure', facts.disclosure && say.disclosureText(facts.disclosure)),
    ...one('Where data is processed', facts.location && say.locationText(facts.location)),
    ...extra('Transfers abroad', facts.transfers, (t) => ({ text: `${say.transferLabel(t)}: ${say.transferText(t)}` })),
    list('Cookies', facts.cookies, (c) => ({ text: `${say.cookieLabel(c)}: ${say.cookieText(c)}` })),
    list('Trackers', facts.trackers, (t) => ({ text: `${t.name}: ${say.trackerText(t)}` })),
    ...one('Global Privacy Control', facts.gpc === undefined ? undefined : say.gpcText(facts.gpc)),
    facts.jurisdiction === undefined
      ? { label: 'Jurisdiction', items: [], missing: 'not stated' }
      : { label: 'Jurisdiction', items: [{ text: say.jurisdictionText(facts.jurisdiction) }] },
    facts.contact === undefined ? { label: 'Contact', items: [], missing: 'not stated' } : { label: 'Contact', items: contact },
  ];
}

const CHANGE_WORDS: Record<PolicyVersion['change'], string> = {
  material: 'Material change: it changes what happens to your data',
  minor: 'Minor change: clarifies or adds, takes nothing away',
  editorial: 'Editorial change: wording only',
};

export const changeClassText = (change: PolicyVersion['change']): string => CHANGE_WORDS[change];

/** "15 January 2027" from "2027-01-15": the site's one date formatter (src/core/dates.ts). */
export const longDate = readableDay;

/** How many versions either side of the shown one a version page lists. */
export const VERSION_NAV_RADIUS = 5;

/**
 * The versions a version page lists, oldest first, with null for each gap: the first,
 * the newest, the one in force, and those around the shown version. Every page listing
 * every version made a long history quadratic (200 versions: 40,000 list items).
 */
export function versionNav(versions: PolicyVersion[], shown: PolicyVersion, current: PolicyVersion | undefined): (PolicyVersion | null)[] {
  const at = versions.indexOf(shown);
  const keep = new Set([0, versions.length - 1, ...(current ? [versions.indexOf(current)] : [])]);
  for (let i = at - VERSION_NAV_RADIUS; i <= at + VERSION_NAV_RADIUS; i++) if (i >= 0 && i < versions.length) keep.add(i);
  const out: (PolicyVersion | null)[] = [];
  [...keep]
    .sort((a, b) => a - b)
    .forEach((i, k, all) => {
      if (k > 0 && i !== all[k - 1]! + 1) out.push(null);
      out.push(versions[i]!);
    });
  return out;
}
