/**
 * C2SP tlog-policy: which logs a verifier accepts and which witnesses must have cosigned a
 * checkpoint (a quorum of k-of-n groups, nested). The attestation will name such a policy
 * (issue 15, item 2), as it names the signer policy for the canary itself.
 */
import { COSIGNATURE_V1, ED25519, keyId, parseVerifierKey, type VerifierKey } from './note.ts';

export interface PolicyWitness {
  name: string;
  /** The cosignature (type 0x04) verifier, whatever type the policy wrote the vkey in. */
  key: VerifierKey;
  url?: string;
}

export interface PolicyGroup {
  name: string;
  threshold: number;
  members: string[];
}

export interface TlogPolicy {
  logs: { key: VerifierKey; url?: string }[];
  witnesses: PolicyWitness[];
  groups: PolicyGroup[];
  /** A witness or group name, or 'none'. */
  quorum: string;
}

export interface PolicyProblem {
  line: number;
  message: string;
}

// Only tab and newline among the control characters (section Character set).
// eslint-disable-next-line no-control-regex
const BAD_OCTETS = /[\u0000-\u0008\u000b-\u001f\u007f]/;

/**
 * Sigsum and transparency-dev policies write witness keys as plain Ed25519 vkeys (type
 * 0x01); their cosignatures are then checked with the type-0x04 key ID of the same key.
 */
function asCosigner(key: VerifierKey): VerifierKey {
  return key.type === COSIGNATURE_V1 ? key : { ...key, type: COSIGNATURE_V1, keyId: keyId(key.name, COSIGNATURE_V1, key.publicKey) };
}

const samePublicKey = (a: VerifierKey, b: VerifierKey) => a.publicKey.length === b.publicKey.length && a.publicKey.every((x, i) => x === b.publicKey[i]);

export function parsePolicy(text: string): TlogPolicy | PolicyProblem[] {
  const problems: PolicyProblem[] = [];
  const policy: TlogPolicy = { logs: [], witnesses: [], groups: [], quorum: '' };
  const defined = new Set<string>();
  const usedAsMember = new Set<string>();
  let quorums = 0;
  text.split('\n').forEach((raw, i) => {
    const line = i + 1;
    const fail = (message: string) => problems.push({ line, message });
    if (BAD_OCTETS.test(raw)) return fail('a control character other than tab');
    const words = raw.split(/[ \t]+/).filter(Boolean);
    if (words.length === 0 || words[0]!.startsWith('#')) return;
    const [keyword, ...args] = words as [string, ...string[]];
    const readKey = (text: string | undefined): VerifierKey | null => {
      const key = text === undefined ? 'malformed-key' : parseVerifierKey(text);
      if (typeof key === 'string') {
        fail(`not a verifier key (${key}): ${text ?? '(missing)'}`);
        return null;
      }
      return key;
    };
    const newName = (name: string | undefined): name is string => {
      if (!name || name === 'none' || defined.has(name) || ['all', 'any'].includes(name) || /^[0-9]+$/.test(name)) {
        fail(`not a new name: ${name ?? '(missing)'}`);
        return false;
      }
      return true;
    };
    switch (keyword) {
      case 'log': {
        if (args.length < 1 || args.length > 2) return fail('log <vkey> [<url>]');
        const key = readKey(args[0]);
        if (!key) return;
        if (key.type !== ED25519) return fail('a log key is an Ed25519 (type 1) key');
        if (policy.logs.some((l) => samePublicKey(l.key, key))) return fail('a log listed twice');
        policy.logs.push({ key, ...(args[1] ? { url: args[1] } : {}) });
        return;
      }
      case 'witness': {
        if (args.length < 2 || args.length > 3) return fail('witness <name> <vkey> [<url>]');
        if (!newName(args[0])) return;
        const key = readKey(args[1]);
        if (!key) return;
        if (policy.witnesses.some((w) => samePublicKey(w.key, key))) return fail('a witness key listed twice');
        defined.add(args[0]);
        policy.witnesses.push({ name: args[0], key: asCosigner(key), ...(args[2] ? { url: args[2] } : {}) });
        return;
      }
      case 'group': {
        const [name, k, ...members] = args;
        if (!newName(name)) return;
        if (members.length === 0) return fail('a group has at least one member');
        const unknown = members.filter((m) => !defined.has(m));
        if (unknown.length > 0) return fail(`members not defined on an earlier line: ${unknown.join(', ')}`);
        const reused = members.filter((m, j) => usedAsMember.has(m) || members.indexOf(m) !== j);
        if (reused.length > 0) return fail(`a name may be a group member only once: ${reused.join(', ')}`);
        const threshold = k === 'all' ? members.length : k === 'any' ? 1 : /^[1-9][0-9]*$/.test(k ?? '') ? Number(k) : NaN;
        if (!(threshold >= 1 && threshold <= members.length)) return fail(`a threshold is all, any or 1–${members.length}, got ${k ?? '(missing)'}`);
        members.forEach((m) => usedAsMember.add(m));
        defined.add(name);
        policy.groups.push({ name, threshold, members });
        return;
      }
      case 'quorum': {
        quorums++;
        if (args.length !== 1) return fail('quorum <name>');
        if (args[0] !== 'none' && !defined.has(args[0]!)) return fail(`the quorum names no witness or group defined earlier: ${args[0]}`);
        policy.quorum = args[0]!;
        return;
      }
      default:
        return fail(`unknown line: ${keyword}`);
    }
  });
  if (quorums !== 1) problems.push({ line: 0, message: quorums === 0 ? 'a policy must define a quorum' : 'a policy defines exactly one quorum' });
  return problems.length > 0 ? problems : policy;
}

/** Whether the witnesses whose cosignatures verified (by policy name) meet the quorum. */
export function quorumMet(policy: TlogPolicy, cosigned: ReadonlySet<string>): boolean {
  const met = (name: string): boolean => {
    const group = policy.groups.find((g) => g.name === name);
    if (!group) return cosigned.has(name);
    return group.members.filter(met).length >= group.threshold;
  };
  return policy.quorum === 'none' || met(policy.quorum);
}

/** The policy names of the witnesses among verified cosigners (matched by cosignature key). */
export function cosignedNames(policy: TlogPolicy, cosigners: readonly VerifierKey[]): Set<string> {
  return new Set(
    policy.witnesses.filter((w) => cosigners.some((c) => c.name === w.key.name && c.keyId === w.key.keyId && samePublicKey(c, w.key))).map((w) => w.name),
  );
}
