/**
 * Resources and unverified data, in the core and through the CLI on local files: data
 * nested deep enough to overflow a recursive reader, files too large to read, thousands
 * of listed documents or keys, and document paths that leave the site or the folder.
 * Hostile servers are in hostile-servers.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson } from '../../src/core/canonical.ts';
import type { AttestationData, HeartbeatData } from '../../src/core/canary/model.ts';
import { LIMITS, jsonDepth } from '../../src/core/verify/limits.ts';
import { reissue, signedFile } from '../helpers/tamper.ts';
import { HOUR, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { folder, signerKeyArgs, verifyCli, type Folder } from './cli.ts';
import { check } from './verify.ts';

let w: World;
let f: Folder;
let att: Issued<AttestationData>;
let hb: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  f = await folder(w);
  att = await w.attest();
  hb = await w.heartbeat(att);
});
afterAll(() => f.cleanup());

/** The heartbeat's signed text with its data's freshness replaced by raw JSON text, signed by the CI key. */
async function heartbeatWithFreshness(json: string): Promise<string> {
  const marker = '"__FRESHNESS__"';
  const data = canonicalJson({ ...hb.data, freshness: '__FRESHNESS__' });
  const at0 = hb.text.indexOf('{\n  "attestation"');
  const text = `${hb.text.slice(0, at0)}${data.replace(marker, json)}\n`;
  return signedFile(text, [w.ci], new Date(hb.data.issued));
}

describe('depth', () => {
  const DEEP = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;

  it('jsonDepth counts nesting without recursing, and ignores brackets in strings', () => {
    expect(jsonDepth(DEEP)).toBe(100_000);
    expect(jsonDepth('{"a": "[[[[", "b": [1, {"c": []}]}')).toBe(4);
    expect(jsonDepth('"\\"[["')).toBe(0);
  });

  it('a heartbeat whose freshness nests 100,000 deep: FORMAT_INVALID, not a stack overflow', async () => {
    const file = await heartbeatWithFreshness(DEEP);
    const r = await check(w, { attestation: att.file, heartbeat: file });
    expect(r.codes).toContain('FORMAT_INVALID');
    expect(r.reasons.find((x) => x.code === 'FORMAT_INVALID')?.message).toContain(`at most ${LIMITS.jsonDepth}`);
    expect(r.verdict).toBe('invalid');
  });

  it('through the CLI: exit 3 (invalid), not 70', async () => {
    const h = await f.write('deep-hb.txt', await heartbeatWithFreshness(DEEP));
    const a = await f.write('deep-att.txt', att.file);
    const r = await verifyCli([a, '--heartbeat', h, ...signerKeyArgs(w, f)]);
    expect(r.codes).toContain('FORMAT_INVALID');
    expect(r.code).toBe(3);
  });

  it('nesting within the limit is read as before (FRESHNESS_MALFORMED for a proof of the wrong shape)', async () => {
    const file = await heartbeatWithFreshness(`{"bitcoin": ${'['.repeat(20)}${']'.repeat(20)}}`);
    const r = await check(w, { attestation: att.file, heartbeat: file });
    expect(r.codes).not.toContain('LIMIT_EXCEEDED');
    expect(r.verdict).toBe('invalid');
  });
});

describe('size', () => {
  it('a canary larger than the limit is LIMIT_EXCEEDED before anything is parsed', async () => {
    const big = att.file.replace('-----BEGIN PGP SIGNATURE-----', `${'x'.repeat(LIMITS.signedFileBytes)}\n-----BEGIN PGP SIGNATURE-----`);
    const r = await check(w, { attestation: big, requireHeartbeat: false });
    expect(r.codes).toEqual(['LIMIT_EXCEEDED']);
    expect(r.verdict).toBe('invalid');
  });

  it('through the CLI, a local canary file larger than the limit: exit 65, nothing read beyond it', async () => {
    const a = await f.write('big.txt', `${att.file}${'x'.repeat(LIMITS.signedFileBytes)}`);
    const r = await verifyCli([a, ...signerKeyArgs(w, f)]);
    expect(r.code).toBe(65);
    expect(r.err).toContain('too large');
  });
});

describe('what the attestation lists', () => {
  const doc = (path: string) => ({ path, sha256: `sha256:${'0'.repeat(64)}` });

  it('thousands of documents: LIMIT_EXCEEDED, none fetched', async () => {
    const many = await reissue(
      { ...att.data, documents: Array.from({ length: 5000 }, (_, i) => doc(`policies/p${i}.md`)) },
      w.signers.slice(0, 2),
      new Date(att.data.issued),
    );
    const r = await check(w, { attestation: many.file, requireHeartbeat: false, documents: {} });
    expect(r.codes).toContain('LIMIT_EXCEEDED');
    expect(r.codes).not.toContain('DOCUMENT_MISSING');
    expect(r.verdict).toBe('invalid');
  });

  it('thousands of keys: LIMIT_EXCEEDED', async () => {
    const panic = Array.from({ length: 2000 }, (_, i) => ({ name: `Panic ${i}`, fingerprint: i.toString(16).toUpperCase().padStart(40, '0') }));
    const many = await reissue({ ...att.data, panicKeys: panic }, w.signers.slice(0, 2), new Date(att.data.issued));
    const r = await check(w, { attestation: many.file, requireHeartbeat: false });
    expect(r.codes).toContain('LIMIT_EXCEEDED');
    expect(r.verdict).toBe('invalid');
  });

  it.each([
    ['an absolute URL', 'https://evil.example/policy.md'],
    ['a scheme-relative URL', '//evil.example/policy.md'],
    ['an absolute path', '/etc/passwd'],
    ['a way up and out', '../../../../dev/zero'],
    ['a way up inside', 'policies/../../keys/x.asc'],
    ['an encoded way up', '%2e%2e/canary.txt'],
    ['a query', 'policy.md?x=1'],
    ['a backslash', 'policies\\privacy.md'],
  ])('a document given as %s: DOCUMENT_PATH_INVALID, never fetched', async (_, p) => {
    const bad = await reissue({ ...att.data, documents: [doc(p)] }, w.signers.slice(0, 2), new Date(att.data.issued));
    const r = await check(w, { attestation: bad.file, requireHeartbeat: false, documents: {} });
    expect(r.codes).toContain('DOCUMENT_PATH_INVALID');
    expect(r.verdict).toBe('invalid');
  });

  it('in file mode with --documents DIR, a path out of the folder (../../dev/zero) is not read: DOCUMENT_PATH_INVALID', async () => {
    const bad = await reissue({ ...att.data, documents: [doc('../../../../../../dev/zero')] }, w.signers.slice(0, 2), new Date(att.data.issued));
    const a = await f.write('zero.txt', bad.file);
    const h = await f.write('zero-hb.txt', (await w.heartbeat(bad)).file);
    const r = await verifyCli([a, '--heartbeat', h, ...signerKeyArgs(w, f), '--documents', f.dir], at(2 * HOUR));
    expect(r.codes).toContain('DOCUMENT_PATH_INVALID');
    expect(r.code).toBe(3);
  });
});
