/** Facts that make a change material whatever class it declares (src/core/policy/materiality.ts, rules.ts). */
import { describe, expect, it } from 'vitest';
import { isLonger, parseDuration, totalSpan } from '../../src/core/policy/duration.ts';
import { materialFactChanges } from '../../src/core/policy/materiality.ts';
import { checkPolicies } from '../../src/core/policy/rules.ts';
import type { Facts } from '../../src/core/policy/model.ts';
import { policySet } from '../helpers/policy.ts';

const now = new Date('2026-11-23T12:00:00Z');
const BASE: Facts = {
  dataCollected: [{ what: 'IP address', why: 'to stop abuse' }],
  purposes: [{ purpose: 'To deliver mail' }],
  processing: [{ activity: 'Spam filtering', automated: true }],
  retention: [{ what: 'Connection logs', period: '14 days' }],
  thirdParties: [{ name: 'Basalt', role: 'hosting', receives: ['all data'], country: 'LU' }],
  cookies: [{ name: 'sid', setBy: 'us', purpose: 'sign-in', lifetime: 'session' }],
  trackers: [],
  transfers: [],
};
const withFacts = (change: Partial<Facts>): Facts => ({ ...structuredClone(BASE), ...change });

describe('materialFactChanges', () => {
  it('names each kind of addition that makes a change material', () => {
    const after = withFacts({
      dataCollected: [...BASE.dataCollected!, { what: 'Phone number', why: 'recovery' }],
      purposes: [...BASE.purposes!, { purpose: 'To send newsletters' }],
      processing: [...BASE.processing!, { activity: 'Search index of messages', profiling: false }],
      thirdParties: [
        ...BASE.thirdParties!,
        {
          name: 'Gravatar',
          operator: 'Automattic Inc.',
          role: 'avatars',
          receives: ['SHA-256 of the sender address'],
          when: 'when you read mail',
          country: 'US',
        },
      ],
      cookies: [...BASE.cookies!, { category: 'load-balancer cookies', setBy: 'the host', purpose: 'routing', lifetime: 'not stated' }],
      trackers: [{ name: 'Matomo', purpose: 'visit counts', hostedBy: 'us' }],
      transfers: [{ country: 'CH', to: 'Ostrakon' }],
    });
    expect(materialFactChanges(BASE, after)).toEqual([
      'new data item: Phone number',
      'new purpose: To send newsletters',
      'new processing: Search index of messages',
      'new third party: Gravatar (Automattic Inc.)',
      'new cookie: load-balancer cookies',
      'new tracker: Matomo',
      'new country data goes to: Switzerland, via Ostrakon',
      'new country data goes to: United States of America, via Gravatar',
    ]);
  });

  it('counts a longer retention, a compound one by its total, and not a shorter or equal one', () => {
    const keep = (period: string, then?: string) =>
      withFacts({ retention: [{ what: 'Connection logs', period, ...(then ? { then: [{ period: then }] } : {}) }] });
    expect(materialFactChanges(BASE, keep('30 days'))).toEqual(['longer retention of Connection logs: 14 days → 30 days']);
    expect(materialFactChanges(keep('365 days'), keep('365 days', '30 days'))).toHaveLength(1);
    expect(materialFactChanges(BASE, keep('until the account is closed'))).toHaveLength(1);
    expect(materialFactChanges(BASE, keep('7 days'))).toEqual([]);
    expect(materialFactChanges(keep('12 months'), keep('1 year'))).toEqual([]);
    expect(materialFactChanges(keep('365 days'), keep('1 year'))).toEqual([]);
  });

  it('counts a cookie that lives longer, a stated lifetime dropped, and not a shorter or renamed-unit one', () => {
    const lives = (lifetime: string) => withFacts({ cookies: [{ name: 'sid', setBy: 'us', purpose: 'sign-in', lifetime }] });
    expect(materialFactChanges(BASE, lives('1 year'))).toEqual(['longer cookie lifetime of sid: session → 1 year']);
    expect(materialFactChanges(lives('30 days'), lives('not stated'))).toEqual(['longer cookie lifetime of sid: 30 days → not stated']);
    expect(materialFactChanges(lives('1 year'), lives('30 days'))).toEqual([]);
    expect(materialFactChanges(lives('12 months'), lives('1 year'))).toEqual([]);
    expect(materialFactChanges(lives('not stated'), lives('not stated'))).toEqual([]);
  });

  it('does not count removals, wording of existing entries, or an area stated for the first time', () => {
    expect(materialFactChanges(BASE, withFacts({ thirdParties: [], cookies: [] }))).toEqual([]);
    expect(materialFactChanges(BASE, withFacts({ dataCollected: [{ what: 'ip ADDRESS', why: 'to stop abuse of our servers' }] }))).toEqual([]);
    const { purposes: _p, ...noPurposes } = BASE;
    expect(materialFactChanges(noPurposes, BASE)).toEqual([]);
    expect(materialFactChanges(undefined, BASE)).toEqual([]);
  });

  it('reads countries by name and by code as the same country', () => {
    const named = withFacts({ thirdParties: [{ name: 'Basalt', role: 'hosting', receives: ['all data'], country: 'Luxembourg' }] });
    expect(materialFactChanges(named, BASE)).toEqual([]);
  });
});

describe('durations', () => {
  it('orders session < fixed < open-ended', () => {
    expect(isLonger(parseDuration('session'), parseDuration('1 day'))).toBe(true);
    expect(isLonger(parseDuration('12 hours'), parseDuration('1 day'))).toBe(true);
    expect(isLonger(parseDuration('1 day'), parseDuration('24 hours'))).toBe(false);
    expect(isLonger(parseDuration('30 days'), parseDuration('not stated'))).toBe(true);
    expect(isLonger(parseDuration('until you delete it'), parseDuration('as long as needed'))).toBe(false);
    expect(totalSpan([{ period: '365 days' }, { period: '30 days' }])).toEqual({ kind: 'fixed', days: 395 });
  });
});

describe('check refuses a class the facts contradict', () => {
  const gravatar = { name: 'Gravatar', operator: 'Automattic Inc.', role: 'avatars', receives: ['a hash'], country: 'US' };
  const versions = (change: 'minor' | 'editorial' | 'material', published: string) => ({
    privacy: [
      { version: '1.0', effective: '2026-01-01', facts: BASE },
      { version: '1.1', effective: '2026-12-06', published, change, facts: withFacts({ thirdParties: [...BASE.thirdParties!, gravatar] }) },
    ],
  });
  const run = (entries: ReturnType<typeof versions>, published?: Set<string>) =>
    checkPolicies(policySet(entries), { now, noticePeriodDays: 30, ...(published ? { published } : {}) });

  it('a minor change that adds a third party, 13 days ahead: understated and too short a notice', () => {
    const problems = run(versions('minor', '2026-11-23'));
    expect(problems.map((p) => `${p.level}:${p.code}`)).toEqual(['error:CHANGE_CLASS_UNDERSTATED', 'error:NOTICE_TOO_SHORT', 'note:UPCOMING']);
    expect(problems[0]!.message).toBe(
      'declared minor, but its facts make it material: new third party: Gravatar (Automattic Inc.); new country data goes to: United States of America, via Gravatar',
    );
    expect(problems[0]!.hint).toContain('effective 2026-12-23 or later');
  });

  it('a minor change that makes a cookie live a year instead of a session is understated', () => {
    const longer = {
      privacy: [
        versions('minor', '2026-10-01').privacy[0]!,
        {
          ...versions('minor', '2026-10-01').privacy[1]!,
          facts: withFacts({ cookies: [{ name: 'sid', setBy: 'us', purpose: 'sign-in', lifetime: '1 year' }] }),
        },
      ],
    };
    const problems = run(longer);
    expect(problems.map((p) => p.code)).toEqual(['CHANGE_CLASS_UNDERSTATED', 'UPCOMING']);
    expect(problems[0]!.message).toBe('declared minor, but its facts make it material: longer cookie lifetime of sid: session → 1 year');
  });

  it('an editorial change is reported once, as understated', () => {
    expect(run(versions('editorial', '2026-10-01')).map((p) => p.code)).toEqual(['CHANGE_CLASS_UNDERSTATED', 'UPCOMING']);
  });

  it('a material change with its notice passes; history in force is a warning, a new version in force an error', () => {
    expect(run(versions('material', '2026-10-01')).map((p) => p.code)).toEqual(['UPCOMING']);
    const past = { privacy: [versions('minor', '2025-01-01').privacy[0]!, { ...versions('minor', '2026-02-01').privacy[1]!, effective: '2026-02-10' }] };
    expect(run(past, new Set(['policies/privacy/1.1.md'])).map((p) => `${p.level}:${p.code}`)).toEqual(['warning:CHANGE_CLASS_UNDERSTATED']);
    expect(run(past, new Set(['policies/privacy/1.0.md'])).map((p) => `${p.level}:${p.code}`)).toEqual([
      'error:CHANGE_CLASS_UNDERSTATED',
      'error:NOTICE_TOO_SHORT',
    ]);
    expect(run(past).map((p) => `${p.level}:${p.code}`)).toEqual(['warning:CHANGE_CLASS_UNDERSTATED']);
  });
});
