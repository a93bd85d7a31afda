/**
 * What we publish, checked by the tools verifiers actually use. Each tool gets only the
 * published armored public keys, never our keyring, and a fresh HOME/GNUPGHOME.
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import * as openpgp from 'openpgp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { signDocument } from '../../src/core/pgp/sign.ts';
import { GPG_DISTRUST, gpgStatus, requireTool, run, runOk, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';
import { DAY, T0, at, makeKey, makeWorld, type World } from '../helpers/world.ts';

interface Signed {
  file: string;
  certs: string[];
  fingerprints: string[];
}

interface Outcome {
  ok: boolean;
  detail: string;
}

let box: Sandbox;
let n = 0;
const put = (name: string, content: string) => box.file(`${++n}-${name}`, content);
const certFiles = (s: Signed) => s.certs.map((c) => put('cert.asc', c));
const sorted = (xs: string[]) => [...xs].sort();

async function gpgVerify(s: Signed) {
  await runOk('gpg', ['--batch', '--no-tty', '--import', ...certFiles(s)], { env: box.env });
  const r = await run('gpg', ['--batch', '--no-tty', '--status-fd', '1', '--verify', put('canary.asc', s.file)], { env: box.env });
  return { code: r.code, status: gpgStatus(r.stdout) };
}

/** What a careful script does with gpg: exit 0, one VALIDSIG per signer, nothing that says "but". */
function judgeGpg(code: number, status: string[][], s: Signed): Outcome {
  const distrust = status.filter((l) => GPG_DISTRUST.includes(l[0]!)).map((l) => l[0]);
  const valid = validSigners(status);
  const ok = code === 0 && distrust.length === 0 && JSON.stringify(sorted(valid)) === JSON.stringify(sorted(s.fingerprints));
  return { ok, detail: `exit ${code}, VALIDSIG [${valid.join(' ')}], distrust [${distrust.join(' ')}]` };
}

async function gpgvVerify(s: Signed) {
  const keyring = put('keyring.gpg', '');
  for (const cert of certFiles(s)) {
    const bin = `${cert}.gpg`;
    await runOk('gpg', ['--batch', '--no-tty', '--dearmor', '--output', bin, cert], { env: box.env });
    appendFileSync(keyring, readFileSync(bin));
  }
  const r = await run('gpgv', ['--status-fd', '1', '--keyring', keyring, put('canary.asc', s.file)], { env: box.env });
  return { code: r.code, status: gpgStatus(r.stdout) };
}

/** SOP tools list one verification per good signature: "DATE SIGNING-FPR PRIMARY-FPR ...". */
async function sopVerify(tool: string, outFlag: (path: string) => string[], s: Signed): Promise<Outcome> {
  const out = `${box.dir}/${++n}-verifications.txt`;
  const r = await run(tool, ['inline-verify', ...outFlag(out), ...certFiles(s)], { input: s.file, env: box.env });
  const listed = r.code === 0 ? readFileSync(out, 'utf8').trim().split('\n').map((l) => l.split(' ')[2]!) : [];
  const ok = r.code === 0 && s.fingerprints.every((f) => listed.includes(f));
  return { ok, detail: `exit ${r.code}, verified by [${listed.join(' ')}]` };
}

async function rnpVerify(s: Signed): Promise<Outcome> {
  const home = `${box.dir}/${++n}-rnp`;
  mkdirSync(home, { mode: 0o700 });
  for (const cert of certFiles(s)) await runOk('rnpkeys', ['--homedir', home, '--import', cert], { env: box.env });
  const r = await run('rnp', ['--homedir', home, '--verify', put('canary.asc', s.file)], { env: box.env });
  const out = (r.stdout + r.stderr).toLowerCase();
  const good = out.split('good signature').length - 1;
  const ok = r.code === 0 && good === s.fingerprints.length && s.fingerprints.every((f) => out.includes(f.toLowerCase()));
  return { ok, detail: `exit ${r.code}, ${good} good signature(s)` };
}

const VERIFIERS: { tool: string; needs: string[]; verify: (s: Signed) => Promise<Outcome> }[] = [
  { tool: 'gpg', needs: ['gpg'], verify: async (s) => { const r = await gpgVerify(s); return judgeGpg(r.code, r.status, s); } },
  { tool: 'gpgv', needs: ['gpg', 'gpgv'], verify: async (s) => { const r = await gpgvVerify(s); return judgeGpg(r.code, r.status, s); } },
  { tool: 'sqop', needs: ['sqop'], verify: (s) => sopVerify('sqop', (p) => ['--verifications-out', p], s) },
  { tool: 'pgpainless-cli', needs: ['pgpainless-cli'], verify: (s) => sopVerify('pgpainless-cli', (p) => [`--verifications-out=${p}`], s) },
  {
    tool: 'sq', needs: ['sq'],
    // --signatures N: every listed signer must verify, not just one of them.
    verify: async (s) => {
      const r = await run('sq', ['verify', ...certFiles(s).flatMap((c) => ['--signer-cert', c]), '--signatures', String(s.fingerprints.length), put('canary.asc', s.file)], { env: box.env });
      return { ok: r.code === 0, detail: `exit ${r.code}` };
    },
  },
  { tool: 'rnp', needs: ['rnp', 'rnpkeys'], verify: rnpVerify },
];

let w: World;
let text: string;
let attestation: Signed;
let heartbeat: Signed;

beforeAll(async () => {
  w = await makeWorld({ signers: 3, threshold: 3 });
  const att = await w.attest({ signWith: w.signers });
  text = att.text;
  const hb = await w.heartbeat(att);
  attestation = { file: att.file, certs: w.signers.map((s) => s.publicArmored), fingerprints: w.pins };
  heartbeat = { file: hb.file, certs: [w.ci.publicArmored], fingerprints: [w.ci.ref.fingerprint] };
});
beforeEach(() => void (box = sandbox()));
afterEach(() => box.remove());

/** One byte of the signed text changed; the signature block untouched. */
const tampered = (s: Signed): Signed => ({ ...s, file: s.file.replace('search warrant', 'search warrent') });

/** A signature made 29 days after its key expired. openpgp.js will not sign with an expired key, so the expiry is written afterwards over the same key material. */
async function lapsedKeySignature(): Promise<Signed> {
  const created = at(-30 * DAY);
  const key = await makeKey('Lapsed', { created });
  const file = await signDocument(text, [key.privateKey], { now: T0 });
  const expiring = await openpgp.reformatKey({ privateKey: key.privateKey, userIDs: [{ name: 'Lapsed', email: 'lapsed@example.org' }], keyExpirationTime: 86_400, date: created, format: 'object' });
  return { file, certs: [expiring.publicKey.armor()], fingerprints: [key.ref.fingerprint] };
}

/** Signed, then revoked a day later without a reason: a hard revocation that taints past signatures. */
async function revokedKeySignature(): Promise<Signed> {
  const key = await makeKey('Revoked');
  const file = await signDocument(text, [key.privateKey], { now: T0 });
  const { publicKey } = await openpgp.revokeKey({ key: key.privateKey, date: at(DAY), format: 'armored' });
  return { file, certs: [publicKey], fingerprints: [key.ref.fingerprint] };
}

describe.each(VERIFIERS)('$tool', ({ needs, verify }) => {
  beforeEach((ctx) => requireTool(ctx, ...needs));

  it('verifies the attestation: every signer of the one signature block', async () => {
    const outcome = await verify(attestation);
    expect(outcome.ok, outcome.detail).toBe(true);
  });

  it('verifies the heartbeat signed by the CI key', async () => {
    const outcome = await verify(heartbeat);
    expect(outcome.ok, outcome.detail).toBe(true);
  });

  it('refuses the attestation with one byte of the signed text changed', async () => {
    expect(await verify(tampered(attestation))).toMatchObject({ ok: false });
  });
});

describe.each(VERIFIERS.filter((v) => v.tool === 'sq' || v.tool === 'sqop'))('$tool (strict about keys)', ({ needs, verify }) => {
  beforeEach((ctx) => requireTool(ctx, ...needs));

  it('refuses a signature made after the key expired', async () => {
    expect(await verify(await lapsedKeySignature())).toMatchObject({ ok: false });
  });

  it('refuses a signature by a revoked key', async () => {
    expect(await verify(await revokedKeySignature())).toMatchObject({ ok: false });
  });
});

// Why the README tells verifiers to read --status-fd: gpg exits 0 and still prints
// VALIDSIG for these; only the status keyword says the key must not be trusted.
describe('gpg --status-fd', () => {
  beforeEach((ctx) => requireTool(ctx, 'gpg'));

  it.each([
    ['EXPKEYSIG', lapsedKeySignature],
    ['REVKEYSIG', revokedKeySignature],
  ])('reports %s for a key the exit code does not complain about', async (keyword, make) => {
    const signed = await make();
    const { code, status } = await gpgVerify(signed);
    expect(status.map((l) => l[0])).toContain(keyword);
    expect(validSigners(status)).toEqual(signed.fingerprints);
    expect(code).toBe(0);
    expect(judgeGpg(code, status, signed)).toMatchObject({ ok: false });
  });

  it('reports BADSIG, and fails, for a changed byte', async () => {
    const { code, status } = await gpgVerify(tampered(attestation));
    // gpg stops at the first bad signature of the block.
    expect(status.map((l) => l[0])).toContain('BADSIG');
    expect(validSigners(status)).toEqual([]);
    expect(code).toBe(1);
  });
});
