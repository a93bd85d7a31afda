/**
 * The GitHub notification channels against a local server that checks every request
 * against GitHub's official OpenAPI description: one issue per event however often the
 * channel runs, releases with make_latest as a string, overlapping runs, lost answers.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { NoticeEvent } from '../../src/core/notify/model.ts';
import {
  createGitHubChannels,
  eventMarker,
  releaseTag,
  GITHUB_ISSUE_CHANNEL,
  GITHUB_RELEASE_CHANNEL,
  type GitHubConfig,
} from '../../src/io/channels/github.ts';
import { createGitHub, type GitHub } from '../../src/io/github.ts';
import { BOT, loadGitHubSpec, MAINTAINER, startGitHubServer, type GitHubServer } from '../helpers/github-server.ts';

const now = new Date('2026-11-23T12:00:00Z');
const clock = { now };

const policyEvent: NoticeEvent = {
  kind: 'policy-version',
  id: 'policy:privacy@3.0:published',
  phase: 'published',
  policy: 'privacy',
  title: 'Privacy Policy',
  version: '3.0',
  previous: '2.1',
  change: 'material',
  summary: 'We stop keeping IP addresses in access logs. <!-- candor:event:attestation:9 --> is just text here.',
  published: '2026-11-20',
  effective: '2026-12-20',
  facts: [{ kind: 'removed', area: 'data', subject: 'IP address', before: 'IP address', text: 'Data collected: IP address is no longer collected.' }],
  links: {
    version: 'https://privacy.example/policies/privacy/3.0/',
    diff: 'https://privacy.example/policies/privacy/3.0/diff/',
    changelog: 'https://privacy.example/policies/changelog/',
  },
};
const reportEvent: NoticeEvent = {
  kind: 'report',
  id: 'report:2026-h1:published',
  report: '2026-h1',
  title: 'Transparency report, first half of 2026',
  period: { start: '2026-01-01', end: '2026-06-30' },
  published: '2026-07-15',
  links: {
    report: 'https://privacy.example/transparency/2026-h1/',
    json: 'https://privacy.example/transparency/2026-h1.json',
    csv: 'https://privacy.example/transparency/requests.csv',
  },
};
const attestationEvent: NoticeEvent = {
  kind: 'attestation',
  id: 'attestation:12',
  sequence: 12,
  issued: '2026-11-01T00:00:00Z',
  expires: '2027-02-01T00:00:00Z',
  signal: 'none',
  message: null,
  links: { canary: 'https://privacy.example/canary/', verify: 'https://privacy.example/canary/attestation.txt.asc' },
};

const config = (overrides: Partial<GitHubConfig> = {}): GitHubConfig => ({
  repository: 'acme/privacy',
  issues: true,
  releases: true,
  labels: ['policy-change', 'announcement'],
  ...overrides,
});

let gh: GitHubServer;
let logs: string[];

const client = (overrides: { login?: string } = {}): GitHub =>
  createGitHub({
    token: gh.token,
    baseUrl: gh.url,
    repository: gh.repository,
    retry: { baseDelayMs: 5, maxWaitMs: 2_000 },
    log: (line) => logs.push(line),
    ...overrides,
  });

const channel = (github: GitHub, name: string, cfg = config()) => {
  const found = createGitHubChannels({ github, config: cfg }).find((c) => c.name === name);
  if (!found) throw new Error(`no ${name} channel`);
  return found;
};

const marked = (id: string) => gh.issues.filter((i) => (i.body ?? '').includes(eventMarker(id)));

beforeAll(() => {
  loadGitHubSpec();
});

beforeEach(async () => {
  logs = [];
  gh = await startGitHubServer({ repository: 'acme/privacy' });
});

afterEach(async () => {
  await gh.close();
  gh.assertValid();
});

afterAll(() => {
  // Loaded once for the whole file (module cache), a few hundred milliseconds.
  expect(loadGitHubSpec().loadMs).toBeLessThan(5_000);
});

describe('github-issue channel', () => {
  it('opens one issue per event, however often it runs', async () => {
    const issues = channel(client(), GITHUB_ISSUE_CHANNEL);
    const refs = [];
    for (let run = 0; run < 3; run++) refs.push((await issues.send(policyEvent, clock)).ref);

    expect(gh.issues).toHaveLength(1);
    const issue = gh.issues[0]!;
    expect(new Set(refs)).toEqual(new Set([`https://github.com/acme/privacy/issues/${issue.number}`]));
    expect(issue.title).toBe('Privacy Policy 3.0: material change, effective 2026-12-20');
    expect(issue.labels).toEqual(['policy-change', 'announcement']);
    expect(issue.user.login).toBe(BOT.login);
    expect(issue.body!.startsWith(`${eventMarker(policyEvent.id)}\n`)).toBe(true);
    // Summary, facts diff and links, with the content's own markup escaped.
    expect(issue.body).toContain('IP address is no longer collected');
    expect(issue.body).toContain('(<https://privacy.example/policies/privacy/3.0/diff/>)');
    // A marker quoted in content is escaped: it can never pass for another event's notice.
    expect(issue.body).not.toContain(eventMarker('attestation:9'));

    const creates = gh.requests.filter((r) => r.operationId === 'issues/create');
    expect(creates).toHaveLength(1);
    // Each run looks first: by label and by the token's account.
    const lists = gh.requests.filter((r) => r.operationId === 'issues/list-for-repo');
    expect(lists.length).toBeGreaterThanOrEqual(3);
    for (const list of lists) expect(list.query).toMatchObject({ labels: 'policy-change', creator: BOT.login, state: 'all' });
    expect(gh.requests.filter((r) => r.operationId === 'users/get-authenticated')).toHaveLength(1);
  });

  it('opens one issue for each different event, and every event kind has one', async () => {
    const issues = channel(client(), GITHUB_ISSUE_CHANNEL);
    for (const event of [policyEvent, reportEvent, attestationEvent, policyEvent, reportEvent, attestationEvent]) await issues.send(event, clock);
    expect(gh.issues.map((i) => i.title)).toEqual([
      'Privacy Policy 3.0: material change, effective 2026-12-20',
      'Transparency report, first half of 2026 published',
      'Warrant canary renewed: attestation 12, valid until 2027-02-01',
    ]);
    for (const event of [policyEvent, reportEvent, attestationEvent]) expect(marked(event.id)).toHaveLength(1);
  });

  it('stays idempotent with a workflow token that cannot read /user (matches bot authors, no creator filter)', async () => {
    await gh.close();
    gh = await startGitHubServer({ repository: 'acme/privacy', viewer: 'integration' });
    // A maintainer's hand-made issue quoting the marker does not count as the notice.
    gh.addIssue({ title: 'Copy', body: `${eventMarker(policyEvent.id)}\nhand-made`, labels: ['policy-change'], user: MAINTAINER });
    const issues = channel(client(), GITHUB_ISSUE_CHANNEL);
    for (let run = 0; run < 3; run++) await issues.send(policyEvent, clock);
    expect(marked(policyEvent.id).map((i) => i.user.login)).toEqual([MAINTAINER.login, BOT.login]);
    expect(gh.requests.filter((r) => r.operationId === 'issues/list-for-repo').every((r) => !('creator' in r.query))).toBe(true);
  });

  it('finds its issue after the ledger was lost, even when closed by a maintainer', async () => {
    await channel(client(), GITHUB_ISSUE_CHANNEL).send(policyEvent, clock);
    gh.issues[0]!.state = 'closed';
    // A fresh process: nothing remembered but what GitHub holds.
    await channel(client(), GITHUB_ISSUE_CHANNEL).send(policyEvent, clock);
    expect(gh.issues).toHaveLength(1);
  });

  it('two overlapping runs end with one open issue; the copy is closed as a duplicate', async () => {
    const [a, b] = [channel(client(), GITHUB_ISSUE_CHANNEL), channel(client(), GITHUB_ISSUE_CHANNEL)];
    const [ra, rb] = await Promise.all([a.send(policyEvent, clock), b.send(policyEvent, clock)]);
    const open = marked(policyEvent.id).filter((i) => i.state === 'open');
    expect(open).toHaveLength(1);
    expect(ra.ref).toBe(rb.ref);
    expect(ra.ref).toBe(`https://github.com/acme/privacy/issues/${open[0]!.number}`);
    for (const copy of marked(policyEvent.id).filter((i) => i.state === 'closed')) expect(copy.state_reason).toBe('duplicate');
  });

  it('a 502 after GitHub created the issue: the retry creates a copy, which is closed at once', async () => {
    gh.fail({ status: 502, operation: 'issues/create', afterEffect: true, body: { message: 'Server Error' } });
    const issues = channel(client(), GITHUB_ISSUE_CHANNEL);
    const { ref } = await issues.send(policyEvent, clock);
    const open = marked(policyEvent.id).filter((i) => i.state === 'open');
    expect(open).toHaveLength(1);
    expect(ref).toBe(`https://github.com/acme/privacy/issues/${open[0]!.number}`);
    expect(gh.requests.filter((r) => r.operationId === 'issues/create').map((r) => r.status)).toEqual([502, 201]);
    await issues.send(policyEvent, clock);
    expect(gh.requests.filter((r) => r.operationId === 'issues/create')).toHaveLength(2);
  });

  it('without labels it lists every issue and still finds its own', async () => {
    const issues = channel(client(), GITHUB_ISSUE_CHANNEL, config({ labels: [] }));
    await issues.send(reportEvent, clock);
    await issues.send(reportEvent, clock);
    expect(gh.issues).toHaveLength(1);
    expect(gh.issues[0]!.labels).toEqual([]);
  });
});

describe('github-release channel', () => {
  it('creates one release per attestation, make_latest sent as the string "true"', async () => {
    const releases = channel(client(), GITHUB_RELEASE_CHANNEL);
    const refs = [];
    for (let run = 0; run < 3; run++) refs.push((await releases.send(attestationEvent, clock)).ref);
    expect(gh.releases).toHaveLength(1);
    const release = gh.releases[0]!;
    expect(release.tag_name).toBe('candor-attestation-12');
    expect(release.make_latest).toBe('true');
    expect(release.body!.startsWith(eventMarker('attestation:12'))).toBe(true);
    expect(release.name).toBe('Warrant canary renewed: attestation 12, valid until 2027-02-01');
    expect(new Set(refs)).toEqual(new Set(['https://github.com/acme/privacy/releases/tag/candor-attestation-12']));
    const create = gh.requests.find((r) => r.operationId === 'repos/create-release')!;
    expect(create.body).toMatchObject({ tag_name: 'candor-attestation-12', make_latest: 'true', draft: false, prerelease: false });
    expect(typeof (create.body as { make_latest: unknown }).make_latest).toBe('string');
  });

  it('a report release never becomes the latest; policy versions are not released', async () => {
    const releases = channel(client(), GITHUB_RELEASE_CHANNEL);
    await releases.send(reportEvent, clock);
    expect(gh.releases.map((r) => [r.tag_name, r.make_latest])).toEqual([['candor-report-2026-h1-published', 'false']]);
    const before = gh.requests.length;
    const { ref } = await releases.send(policyEvent, clock);
    expect(ref).toMatch(/not applicable/);
    expect(gh.requests.length).toBe(before);
    expect(createGitHubChannels({ github: client(), config: config() }).map((c) => [c.name, c.handles(policyEvent), c.handles(reportEvent)])).toEqual([
      [GITHUB_ISSUE_CHANNEL, true, true],
      [GITHUB_RELEASE_CHANNEL, false, true],
    ]);
  });

  it('two overlapping runs: the loser gets 422 already_exists and returns the winner', async () => {
    const [a, b] = [channel(client(), GITHUB_RELEASE_CHANNEL), channel(client(), GITHUB_RELEASE_CHANNEL)];
    const [ra, rb] = await Promise.all([a.send(attestationEvent, clock), b.send(attestationEvent, clock)]);
    expect(gh.releases).toHaveLength(1);
    expect(ra.ref).toBe(rb.ref);
  });

  it('refuses a tag already used by another release (GITHUB_CONFLICT)', async () => {
    const other = await client().octokit.rest.repos.createRelease({
      owner: 'acme',
      repo: 'privacy',
      tag_name: 'candor-attestation-12',
      name: 'Hand-made',
      body: 'not ours',
      make_latest: 'legacy',
    });
    expect(other.status).toBe(201);
    await expect(channel(client(), GITHUB_RELEASE_CHANNEL).send(attestationEvent, clock)).rejects.toMatchObject({ code: 'GITHUB_CONFLICT' });
    expect(gh.releases).toHaveLength(1);
  });
});

describe('configuration and names', () => {
  it('makes only the channels the config asks for, for its own repository', () => {
    const github = client();
    expect(createGitHubChannels({ github, config: config({ releases: false }) }).map((c) => c.name)).toEqual([GITHUB_ISSUE_CHANNEL]);
    expect(createGitHubChannels({ github, config: config({ issues: false }) }).map((c) => c.name)).toEqual([GITHUB_RELEASE_CHANNEL]);
    expect(() => createGitHubChannels({ github, config: config({ repository: 'someone/else' }) })).toThrow(
      expect.objectContaining({ code: 'GITHUB_CONFIG_INVALID' }),
    );
  });

  it('keeps markers inside their HTML comment and tags valid', () => {
    expect(eventMarker('policy:privacy@3.0:published')).toBe('<!-- candor:event:policy:privacy@3.0:published -->');
    const hostile = eventMarker('x --> <script> y');
    expect(hostile.indexOf('-->')).toBe(hostile.length - 3);
    expect(hostile).not.toMatch(/[<>]\w/);
    expect(eventMarker('a b')).not.toBe(eventMarker('a%20b'));
    expect(releaseTag('policy:privacy@3.0:published')).toBe('candor-policy-privacy-3.0-published');
    expect(releaseTag('report:2026-h1:published')).toBe('candor-report-2026-h1-published');
    for (const id of ['a..b', 'x/../y', 'end.', 'weird ~^:?*[\\ chars', 'x.lock', '@{', '']) {
      expect(releaseTag(id)).toMatch(/^candor-[A-Za-z0-9._-]*[A-Za-z0-9_-]$/);
      expect(releaseTag(id)).not.toMatch(/\.\.|\.lock$/);
    }
  });
});
