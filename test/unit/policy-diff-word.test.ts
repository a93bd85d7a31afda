/** diffPolicies: block alignment, pairing and word diffs; applyDiff. */
import { describe, expect, it } from 'vitest';
import { parseBlocks } from '../../src/core/policy/diff/blocks.ts';
import { similarity } from '../../src/core/policy/diff/pairing.ts';
import { diffSequences } from '../../src/core/policy/diff/sequence.ts';
import { plainText } from '../../src/core/policy/diff/tokens.ts';
import { applyDiff, diffPolicies, type Hunk } from '../../src/core/policy/diff/word-diff.ts';

/** A hunk in one line: kind, block kind and ops as -deleted- / +inserted+ text. */
const brief = (h: Hunk) =>
  `${h.kind} ${h.blockKind}: ${h.ops.map((o) => (o.op === 'equal' ? plainText(o.tokens) : o.op === 'delete' ? `-${plainText(o.tokens)}-` : `+${plainText(o.tokens)}+`)).join(' ')}`;
const hunks = (a: string, b: string) => diffPolicies(a, b).hunks.map(brief);

const POLICY = `## 1. Data

We collect your address and the time you sign up.

- Address
- Recovery address

## 2. Backups

Backups of deleted mail are kept for 45 days.
`;

describe('diffPolicies', () => {
  it('finds nothing between a text and itself', () => {
    expect(diffPolicies(POLICY, POLICY)).toEqual({ hunks: [], stats: { insertedWords: 0, deletedWords: 0, changedBlocks: 0 } });
  });

  it('finds nothing in a reflowed paragraph', () => {
    const reflowed = POLICY.replace('We collect your address and the time you sign up.', 'We collect your\naddress and   the time\n  you sign up.');
    expect(diffPolicies(POLICY, reflowed).hunks).toEqual([]);
  });

  it('finds nothing after CRLF line endings and trailing spaces', () => {
    const crlf = POLICY.split('\n')
      .map((l) => (l === '' ? l : `${l}  `))
      .join('\r\n');
    expect(diffPolicies(POLICY, crlf).hunks).toEqual([]);
  });

  it('diffs words inside an edited paragraph, with its section', () => {
    const diff = diffPolicies(POLICY, POLICY.replace('45 days', '30 days'));
    expect(diff.hunks.map(brief)).toEqual(['modified paragraph: Backups of deleted mail are kept for -45- +30+ days.']);
    expect(diff.hunks[0]!.section).toEqual(['2. Backups']);
    expect(diff.stats).toEqual({ insertedWords: 1, deletedWords: 1, changedBlocks: 1 });
  });

  it('diffs a changed heading, and shows a level change as removed + added', () => {
    expect(hunks(POLICY, POLICY.replace('## 2. Backups', '## 2. Backups of mail'))).toEqual(['modified heading: 2. Backups +of mail+']);
    expect(hunks(POLICY, POLICY.replace('## 2. Backups', '### 2. Backups'))).toEqual(['removed heading: -2. Backups-', 'added heading: +2. Backups+']);
  });

  it('shows list items added and removed', () => {
    expect(hunks(POLICY, POLICY.replace('- Recovery address\n', '- Recovery address\n- Avatar hash\n'))).toEqual(['added list-item: +Avatar hash+']);
    expect(hunks(POLICY, POLICY.replace('- Address\n', ''))).toEqual(['removed list-item: -Address-']);
  });

  it('shows a changed link target even when the text is the same', () => {
    const a = 'Read [our processors](https://x.example/a).\n';
    const diff = diffPolicies(a, a.replace('/a)', '/b)'));
    expect(diff.hunks).toHaveLength(1);
    expect(diff.hunks[0]!.ops.map((o) => [o.op, o.tokens.map((t) => ('href' in t ? t.href : t.type === 'cell' ? '|' : t.text))])).toEqual([
      ['equal', ['Read']],
      ['delete', ['https://x.example/a']],
      ['insert', ['https://x.example/b']],
      ['equal', ['.']],
    ]);
  });

  it('shows a changed reference definition on the links that use it', () => {
    const a = 'Read [our processors][p].\n\n[p]: https://x.example/a\n';
    expect(diffPolicies(a, a.replace('/a', '/b')).hunks).toHaveLength(1);
  });

  it('shows a changed table cell', () => {
    const a = '| Data | Kept |\n|---|---|\n| Logs | 14 days |\n| Backups | 45 days |\n';
    expect(hunks(a, a.replace('45', '30'))).toEqual(['modified table-row: Backups | -45- +30+ days']);
  });

  it('shows emphasis added or removed as a change', () => {
    expect(hunks('We never sell data.\n', 'We **never** sell data.\n')).toEqual(['modified paragraph: We -never- +never+ sell data.']);
  });

  it('shows a moved paragraph as removed in one place and added in another', () => {
    const a = '## A\n\nFirst paragraph here.\n\n## B\n\nSecond paragraph here.\n\n## C\n\nThe moving paragraph.\n';
    const b = '## A\n\nThe moving paragraph.\n\nFirst paragraph here.\n\n## B\n\nSecond paragraph here.\n\n## C\n';
    const diff = diffPolicies(a, b);
    expect(diff.hunks.map((h) => [brief(h), h.section])).toEqual([
      ['added paragraph: +The moving paragraph.+', ['A']],
      ['removed paragraph: -The moving paragraph.-', ['C']],
    ]);
  });

  it('pairs a lightly edited paragraph, but not a rewritten one', () => {
    const a = 'We keep logs of failed logins for ninety days.\n';
    expect(hunks(a, 'We keep logs of failed logins for thirty days.\n')).toHaveLength(1);
    expect(hunks(a, 'Nothing about sign-in attempts is stored anymore.\n')).toEqual([
      'removed paragraph: -We keep logs of failed logins for ninety days.-',
      'added paragraph: +Nothing about sign-in attempts is stored anymore.+',
    ]);
  });

  // Their speed is npm run bench's (scripts/bench/policy-diff.ts), never asserted here.
  it('diffs two 100 KB policies: the changed blocks found, and the diff rebuilds the new one', () => {
    const section = (i: number) =>
      `## ${i}. Section\n\nWe keep record ${i} for ${i % 90} days and share it with [partner ${i}](https://p.example/${i}).\n\n- item ${i}\n- other ${i}\n\n`;
    const a = Array.from({ length: 800 }, (_, i) => section(i)).join('');
    const b = a.replace(/for (\d)0 days/g, 'for $1 weeks');
    expect(a.length).toBeGreaterThan(100_000);
    const diff = diffPolicies(a, b);
    expect(diff.stats.changedBlocks).toBe(a.match(/for \d0 days/g)!.length);
    expect(applyDiff(parseBlocks(a), diff)).toEqual(parseBlocks(b));
  });

  it('pairs every block when every block differs', () => {
    const doc = (tag: string) => Array.from({ length: 1500 }, (_, i) => `Paragraph ${tag}${i} with words.\n`).join('\n');
    const diff = diffPolicies(doc('a'), doc('b'));
    expect(diff.stats.changedBlocks).toBe(1500);
    expect(applyDiff(parseBlocks(doc('a')), diff)).toEqual(parseBlocks(doc('b')));
  });
});

describe('applyDiff', () => {
  it('rebuilds the new version from the old one and the diff', () => {
    const b = POLICY.replace('45', '30').replace('- Address\n', '').replace('## 1. Data', '## 1. Data we collect') + '\nA new closing paragraph.\n';
    expect(applyDiff(parseBlocks(POLICY), diffPolicies(POLICY, b))).toEqual(parseBlocks(b));
  });

  it('refuses blocks the diff was not made from', () => {
    const diff = diffPolicies('One.\n\nTwo.\n', 'Three.\n');
    expect(() => applyDiff([], diff)).toThrow(expect.objectContaining({ code: 'DIFF_MISMATCH' }));
  });
});

describe('building blocks', () => {
  it('similarity is the share of common words, ignoring case and punctuation', () => {
    const [a, b] = parseBlocks('The cookie expires.\n\nthe Cookie, expires!\n');
    expect(similarity(a!.tokens, b!.tokens)).toBe(1);
  });

  it('diffSequences puts deletions before insertions and strips common ends', () => {
    expect(diffSequences(['a', 'b', 'c', 'd'], ['a', 'x', 'y', 'd'])).toEqual([
      { op: 'equal', count: 1 },
      { op: 'delete', count: 2 },
      { op: 'insert', count: 2 },
      { op: 'equal', count: 1 },
    ]);
    expect(diffSequences([], [])).toEqual([]);
  });
});
