/**
 * What candor accepts must verify in every tool the README names (issue 11). Every
 * candidate below (the genuine files, their CRLF copies, signatures with unusual but
 * harmless subpackets, and every framing attack of test/helpers/attacks.ts) is verified
 * by candor on both paths; each one it calls alive must then verify in gpg, gpgv, sqop,
 * pgpainless-cli, sq and rnp. The set called alive is pinned, so the test cannot pass by
 * accepting nothing. And the README's warning about gpg holds as written.
 */
import * as openpgp from 'openpgp';
import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { AttestationData } from '../../src/core/canary/model.ts';
import { frameCleartext } from '../../src/core/pgp/framing.ts';
import { ACCEPTED_VARIANTS, FRAMING_ATTACKS } from '../helpers/attacks.ts';
import { craftSignature, expiration, issuerKeyID, type CraftOptions } from '../helpers/packets.ts';
import { packetsOf } from '../helpers/tamper.ts';
import { GPG_DISTRUST, requireTool, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';
import { verifiersIn, type Signed } from '../helpers/verifiers.ts';
import { HOUR, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { check } from '../security/verify.ts';

let box: Sandbox;
const { verifiers, gpgVerify } = verifiersIn(() => box);
beforeEach(() => void (box = sandbox()));
afterEach(() => box.remove());

let w: World;
let att: Issued<AttestationData>;
interface Candidate {
  name: string;
  signed: Signed;
  alive: boolean;
}
let candidates: Candidate[] = [];

/** The names candor must accept, and no other. */
const ACCEPTED = [
  ...ACCEPTED_VARIANTS.map((v) => `attestation: ${v.name}`),
  ...ACCEPTED_VARIANTS.map((v) => `heartbeat: ${v.name}`),
  'a signature expiring in a year, marked critical',
  'a signature with an expiration time of zero (never)',
  'a signature with an unknown subpacket that is not critical',
  'a signature with a passed expiration time in the unhashed area (not signed: ignored)',
];

const PACKETS: { name: string; opts: () => Partial<CraftOptions> }[] = [
  { name: 'a signature expiring in a year, marked critical', opts: () => ({ extraHashed: [expiration(365 * 86_400, true)] }) },
  { name: 'a signature with an expiration time of zero (never)', opts: () => ({ extraHashed: [expiration(0)] }) },
  { name: 'a signature with an unknown subpacket that is not critical', opts: () => ({ extraHashed: [{ type: 50, body: new Uint8Array([1]) }] }) },
  {
    name: 'a signature with a passed expiration time in the unhashed area (not signed: ignored)',
    opts: () => ({ unhashed: [issuerKeyID(w.signers[1]!.publicKey), expiration(HOUR / 1000)] }),
  },
];

beforeAll(async () => {
  w = await makeWorld();
  att = await w.attest();
  const hb = await w.heartbeat(att);
  const people = { certs: w.signers.slice(0, 2).map((s) => s.publicArmored), fingerprints: w.pins.slice(0, 2) };
  const ci = { certs: [w.ci.publicArmored], fingerprints: [w.ci.ref.fingerprint] };
  const list = new openpgp.PacketList<openpgp.SignaturePacket>();
  const oneSigner = await w.attest({ signWith: [w.signers[0]!] });
  (await packetsOf(oneSigner.file)).forEach((p) => list.push(p));
  const raw: { name: string; file: string; who: typeof people; doc: 'attestation' | 'heartbeat' }[] = [
    ...ACCEPTED_VARIANTS.map((v) => ({ name: `attestation: ${v.name}`, file: v.variant(att.file), who: people, doc: 'attestation' as const })),
    ...ACCEPTED_VARIANTS.map((v) => ({ name: `heartbeat: ${v.name}`, file: v.variant(hb.file), who: ci, doc: 'heartbeat' as const })),
    ...PACKETS.map((p) => ({
      name: p.name,
      who: people,
      doc: 'attestation' as const,
      file: frameCleartext(
        oneSigner.text,
        ['SHA512', 'SHA512'],
        Uint8Array.from([...list.write(), ...craftSignature(oneSigner.text, w.signers[1]!, { created: at(0), ...p.opts() })]),
      ),
    })),
    ...(await Promise.all(
      FRAMING_ATTACKS.map(async (a) => ({ name: `attack: ${a.name}`, file: await a.attack(att.file), who: people, doc: 'attestation' as const })),
    )),
  ];
  candidates = await Promise.all(
    raw.map(async ({ name, file, who, doc }) => {
      const r = doc === 'attestation' ? await check(w, { attestation: file, heartbeat: hb.file }) : await check(w, { attestation: att.file, heartbeat: file });
      return { name, signed: { file, ...who }, alive: r.verdict === 'alive' };
    }),
  );
}, 60_000);

describe('candor', () => {
  it('accepts exactly the variants listed, and none of the attacks', () => {
    expect(candidates.filter((c) => c.alive).map((c) => c.name)).toEqual(ACCEPTED);
  });
});

describe.each(verifiers)('$tool', ({ needs, verify }) => {
  beforeEach((ctx) => requireTool(ctx, ...needs));

  it('verifies every file candor accepts', async () => {
    const accepted = candidates.filter((c) => c.alive);
    expect(accepted.length).toBe(ACCEPTED.length);
    for (const c of accepted) {
      const outcome = await verify(c.signed);
      expect(outcome.ok, `${c.name}: ${outcome.detail}`).toBe(true);
    }
  }, 240_000); // pgpainless-cli starts a JVM for each file: seconds each on a busy machine
});

/** The README's "Read signed.txt, not canary.txt": GnuPG 2.2 accepts these forgeries; sq, sqop and rnp do not. */
const GPG_ACCEPTS = [
  'a line of text after the checksum line, before END',
  'a lone "=" line, then text, after the checksum',
  'a -----BEGIN ANYTHING----- line after the checksum, then text',
  'a fake armor pair (-----FOO----- … -----BAR-----) holding a statement and a copy of the signature, between the text and the signature',
];

describe('the forgeries the README warns about', () => {
  beforeEach((ctx) => requireTool(ctx, 'gpg', 'sq', 'sqop', 'rnp', 'rnpkeys'));
  const forgery = (name: string) => candidates.find((c) => c.name === `attack: ${name}`)!;

  it.each(GPG_ACCEPTS)('gpg exits 0 with a VALIDSIG for every signer of "%s", and nothing to distrust', async (name) => {
    expect(forgery(name).alive).toBe(false);
    const { code, status } = await gpgVerify(forgery(name).signed);
    expect(new Set(validSigners(status))).toEqual(new Set(forgery(name).signed.fingerprints));
    expect(status.filter((l) => GPG_DISTRUST.includes(l[0]!))).toEqual([]);
    expect(code).toBe(0);
  });

  it.each(GPG_ACCEPTS)('sq, sqop and rnp refuse "%s"', async (name) => {
    for (const tool of verifiers.filter((v) => ['sq', 'sqop', 'rnp'].includes(v.tool))) {
      expect(await tool.verify(forgery(name).signed), tool.tool).toMatchObject({ ok: false });
    }
  });
});
