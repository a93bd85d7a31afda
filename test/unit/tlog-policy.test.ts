/**
 * C2SP tlog-policy: the spec's example shape and transparency-dev/formats' parser cases
 * (witness/witness_policy_test.go at 0b850f1a7b4a5b70deeacac6535e4b8023809d21, with its
 * real witness vkeys: sigsum.org's as Ed25519, remora.n621.de's as a type-4 cosigner key).
 * Its cases that list one key for two witnesses are refused here, as the spec requires.
 */
import { describe, expect, it } from 'vitest';
import { COSIGNATURE_V1, signerFromSeed, formatVerifierKey, parseVerifierKey, type VerifierKey } from '../../src/core/tlog/note.ts';
import { cosignedNames, parsePolicy, quorumMet, type TlogPolicy } from '../../src/core/tlog/policy.ts';

const SIGSUM = 'sigsum.org+e4ade967+AZuUY6B08pW3QVHu8uvsrxWPcAv9nykap2Nb4oxCee+r';
const EXAMPLE = 'example.com+3753d3de+AebBhMcghIUoavZpjuDofa4sW6fYHyVn7gvwDBfvkvuM';
const REMORA = 'remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2';

function policy(text: string): TlogPolicy {
  const p = parsePolicy(text);
  if (Array.isArray(p)) throw new Error(p.map((x) => `${x.line}: ${x.message}`).join('\n'));
  return p;
}

describe('parsing', () => {
  it('reads witnesses, groups and the quorum, with comments and any spaces or tabs', () => {
    const p = policy(`# a comment
witness      w1    ${SIGSUM} https://sigsum.org/witness/
\twitness w2 ${EXAMPLE}
witness w4 ${REMORA} https://example.com/remora
   group      g1    2     w1  w2 w4
\t\t quorum      g1
`);
    expect(p.witnesses.map((w) => [w.name, w.url])).toEqual([
      ['w1', 'https://sigsum.org/witness/'],
      ['w2', undefined],
      ['w4', 'https://example.com/remora'],
    ]);
    expect(p.groups).toEqual([{ name: 'g1', threshold: 2, members: ['w1', 'w2', 'w4'] }]);
    expect(p.quorum).toBe('g1');
    // Every witness key is a cosignature key; remora's was one already, key ID unchanged.
    expect(p.witnesses.every((w) => w.key.type === COSIGNATURE_V1)).toBe(true);
    expect(formatVerifierKey(p.witnesses[2]!.key)).toBe(REMORA);
  });

  it.each([
    ['all', 3],
    ['any', 1],
    ['2', 2],
  ])('group threshold %s is %i', (k, want) => {
    expect(policy(`witness w1 ${SIGSUM}\nwitness w2 ${EXAMPLE}\nwitness w4 ${REMORA}\ngroup g1 ${k} w1 w2 w4\nquorum g1\n`).groups[0]!.threshold).toBe(want);
  });

  it.each([
    ['no quorum', `witness w1 ${SIGSUM} https://sigsum.org/witness/`],
    ['an unknown quorum', 'quorum unknown'],
    ['a name defined twice', `witness w1 ${SIGSUM}\nwitness w1 ${EXAMPLE}\nquorum w1`],
    ['one key for two witnesses', `witness w2 ${EXAMPLE}\nwitness w3 ${EXAMPLE}\nquorum w2`],
    ['a negative threshold', `witness w1 ${SIGSUM}\ngroup g1 -1 w1\nquorum g1`],
    ['a threshold above n', `witness w1 ${SIGSUM}\ngroup g1 2 w1\nquorum g1`],
    ['a witness named all', `witness all ${SIGSUM}\nquorum none`],
    ['a group named none', 'group none 1 witness\nquorum none'],
    ['a member defined later', `group g1 any w1\nwitness w1 ${SIGSUM}\nquorum g1`],
    ['a member listed twice', `witness w1 ${SIGSUM}\nwitness w2 ${EXAMPLE}\ngroup g1 any w1 w2\ngroup g2 any w1\nquorum g2`],
    ['two quorums', `witness w1 ${SIGSUM}\nquorum w1\nquorum none`],
    ['a malformed key', 'witness w1 sigsum.org+e4ade968+AZuUY6B08pW3QVHu8uvsrxWPcAv9nykap2Nb4oxCee+r\nquorum w1'],
    ['a log key of the cosignature type', `log ${REMORA}\nquorum none`],
    ['a control character', `witness w1 ${SIGSUM}\r\nquorum w1`],
    ['an unknown keyword', 'witnesses w1\nquorum none'],
  ])('refuses %s', (_, text) => {
    expect(Array.isArray(parsePolicy(text))).toBe(true);
  });

  it('accepts quorum none and a log line', () => {
    const log = signerFromSeed('candor.example/log', new Uint8Array(32).fill(3));
    const p = policy(`log ${formatVerifierKey(log)} https://candor.example/log/\nquorum none\n`);
    expect(p.logs.map((l) => [l.key.name, l.url])).toEqual([['candor.example/log', 'https://candor.example/log/']]);
    expect(quorumMet(p, new Set())).toBe(true);
  });
});

describe('quorum', () => {
  const keys = ['x1', 'x2', 'x3', 'y1', 'y2', 'y3'].map((n, i) => signerFromSeed(`${n}.example`, new Uint8Array(32).fill(i + 10), COSIGNATURE_V1));
  const vk = (k: VerifierKey) => formatVerifierKey(k);
  // The spec's example: two of the X witnesses and one of the Y witnesses.
  const p = policy(
    [
      ...['X1', 'X2', 'X3', 'Y1', 'Y2', 'Y3'].map((n, i) => `witness ${n} ${vk(keys[i]!)}`),
      'group X-witnesses 2 X1 X2 X3',
      'group Y-witnesses any Y1 Y2 Y3',
      'group X-and-Y all X-witnesses Y-witnesses',
      'quorum X-and-Y',
    ].join('\n'),
  );

  it.each<[string[], boolean]>([
    [['X1', 'X2', 'Y3'], true],
    [['X1', 'X3', 'Y1', 'Y2'], true],
    [['X1', 'Y1', 'Y2', 'Y3'], false],
    [['X1', 'X2', 'X3'], false],
    [[], false],
  ])('cosigned by %o: %s', (names, want) => expect(quorumMet(p, new Set(names))).toBe(want));

  it('maps verified cosigners to policy names by key, not by name alone', () => {
    const impostor = signerFromSeed('x1.example', new Uint8Array(32).fill(99), COSIGNATURE_V1);
    expect([...cosignedNames(p, [keys[0]!, keys[3]!, impostor])]).toEqual(['X1', 'Y1']);
    expect(parseVerifierKey(vk(keys[0]!))).toEqual(p.witnesses[0]!.key);
  });
});
