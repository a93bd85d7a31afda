/**
 * Attacks on the policy an attestation states: a threshold lowered with one stolen key,
 * another service's canary signed by the same people, statements that read otherwise
 * than they are signed (bidirectional overrides, invisible characters, look-alike letters).
 */
import path from 'node:path';
import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AttestationData, HeartbeatData, Statement } from '../../src/core/canary/model.ts';
import { candor } from '../helpers/candor-bin.ts';
import { startFixtureServer, type FixtureServer } from '../helpers/fixture-server.ts';
import { startHostProxy, type HostProxy } from '../helpers/host-proxy.ts';
import { makeProject, type TestProject } from '../helpers/project.ts';
import { reissue, successorData } from '../helpers/tamper.ts';
import { DAY, HOUR, STATEMENTS, at, makeWorld, type Issued, type World } from '../helpers/world.ts';
import { folder, pinsArg, signerKeyArgs, siteRoutes, verifyCli, type Folder } from './cli.ts';
import { NOW, check } from './verify.ts';

const T1 = at(DAY);
const T2 = at(2 * DAY);
const after = (t: Date) => at(2 * HOUR, t);

let w: World;
let f: Folder;
let att1: Issued<AttestationData>;
let hb1: Issued<HeartbeatData>;

beforeAll(async () => {
  w = await makeWorld();
  f = await folder(w);
  att1 = await w.attest();
  hb1 = await w.heartbeat(att1);
});
afterAll(() => f.cleanup());

const oneOfTwo = () => ({ signers: { threshold: 1, keys: [w.signers[0]!.ref, w.signers[1]!.ref] } });

async function files(att: Issued<AttestationData>, hb: Issued<HeartbeatData>): Promise<[string, string, string]> {
  return [await f.write(`p-${att.hash.slice(7, 19)}.txt`, att.file), '--heartbeat', await f.write(`p-hb-${hb.hash.slice(7, 19)}.txt`, hb.file)];
}

describe('a lowered threshold', () => {
  it('"1 of 2" signed by one (stolen) key, no history: ALIVE, but THRESHOLD_SINGLE is shown first', async () => {
    const lone = await w.attest({ config: oneOfTwo(), signWith: [w.signers[0]!] });
    const hb = await w.heartbeat(lone);
    const r = await check(w, { attestation: lone.file, heartbeat: hb.file });
    expect(r.codes).toContain('THRESHOLD_SINGLE');
    expect(r.verdict).toBe('alive');
    const text = await candor(['verify', ...(await files(lone, hb)), ...signerKeyArgs(w, f), '--now', NOW.toISOString()]);
    expect(text.code).toBe(0);
    expect(text.out.split('\n').slice(0, 2)).toEqual([
      expect.stringMatching(/^ALIVE/),
      expect.stringMatching(/^WARNING THRESHOLD_SINGLE .*ONE signature is enough/),
    ]);
  });

  it('refused against --min-signers: THRESHOLD_BELOW_MINIMUM (exit 3)', async () => {
    const lone = await w.attest({ config: oneOfTwo(), signWith: [w.signers[0]!] });
    const hb = await w.heartbeat(lone);
    const r = await verifyCli([...(await files(lone, hb)), ...signerKeyArgs(w, f), '--min-signers', '2']);
    expect(r.codes).toContain('THRESHOLD_BELOW_MINIMUM');
    expect(r.code).toBe(3);
  });

  it('refused against the state, which remembers 2 of 3: THRESHOLD_BELOW_MINIMUM (exit 3)', async () => {
    const state = path.join(f.dir, 'floor.json');
    expect((await verifyCli([...(await files(att1, hb1)), ...signerKeyArgs(w, f), '--state', state])).code).toBe(0);
    const lone = await reissue(successorData(att1, T1, oneOfTwo()), [w.signers[0]!], T1);
    const hb = await w.heartbeat(lone, { previous: hb1 });
    const r = await verifyCli([...(await files(lone, hb)), ...signerKeyArgs(w, f), '--state', state], after(T1));
    expect(r.codes).toContain('THRESHOLD_BELOW_MINIMUM');
    expect(r.code).toBe(3);
  });

  it('a lowering endorsed by two signers passes with THRESHOLD_LOWERED; the state keeps the floor until --min-signers lowers it', async () => {
    const state = path.join(f.dir, 'lowered.json');
    await verifyCli([...(await files(att1, hb1)), ...signerKeyArgs(w, f), '--state', state]);
    const lowered = await reissue(successorData(att1, T1, oneOfTwo()), w.signers.slice(0, 2), T1);
    const hbLowered = await w.heartbeat(lowered, { previous: hb1 });
    const first = await verifyCli([...(await files(lowered, hbLowered)), ...signerKeyArgs(w, f), '--state', state], after(T1));
    expect(first.codes).toContain('THRESHOLD_LOWERED');
    expect(first.code).toBe(0);
    const lone = await reissue(successorData(lowered, T2), [w.signers[0]!], T2);
    const hbLone = await w.heartbeat(lone, { previous: hbLowered });
    const refused = await verifyCli([...(await files(lone, hbLone)), ...signerKeyArgs(w, f), '--state', state], after(T2));
    expect(refused.codes).toContain('THRESHOLD_BELOW_MINIMUM');
    const accepted = await verifyCli([...(await files(lone, hbLone)), ...signerKeyArgs(w, f), '--state', state, '--min-signers', '1'], after(T2));
    expect(accepted.codes).toContain('THRESHOLD_SINGLE');
    expect(accepted.code).toBe(0);
    expect((JSON.parse(await readFile(state, 'utf8')) as { minSigners: number }).minSigners).toBe(1);
  });
});

describe("another service's canary, signed by the same people", () => {
  let vpn: Issued<AttestationData>;
  let vpnHb: Issued<HeartbeatData>;
  let mailSite: FixtureServer;
  let proxy: HostProxy;

  beforeAll(async () => {
    vpn = await reissue({ ...att1.data, service: { name: 'Lumen VPN', url: 'https://lumen-vpn.example' } }, w.signers.slice(0, 2), new Date(att1.data.issued));
    vpnHb = await w.heartbeat(vpn);
    // lumen-mail.example serves the VPN's canary (still alive there, say, while the mail canary tripped).
    mailSite = await startFixtureServer(siteRoutes(w, { canary: vpn.file, heartbeat: vpnHb.file }));
    proxy = await startHostProxy({ 'lumen-mail.example': mailSite.url });
  });
  afterAll(async () => {
    await proxy.close();
    await mailSite.close();
  });

  it('in the core: SERVICE_MISMATCH against the site being verified', async () => {
    const r = await check(w, {
      attestation: vpn.file,
      heartbeat: vpnHb.file,
      services: [{ url: 'https://lumen-mail.example/', from: 'the site being verified' }],
    });
    expect(r.codes).toContain('SERVICE_MISMATCH');
    expect(r.verdict).toBe('invalid');
  });

  it("verified by the site's name (candor verify http://lumen-mail.example/): SERVICE_MISMATCH (exit 3)", async () => {
    const r = await verifyCli(['http://lumen-mail.example/', ...pinsArg(w)], NOW, proxy.env);
    expect(r.codes).toContain('SERVICE_MISMATCH');
    expect(r.code).toBe(3);
  });

  it('the genuine canary at its own name: ALIVE, without a service reason', async () => {
    const own = await startFixtureServer(siteRoutes(w, { canary: att1.file, heartbeat: hb1.file }));
    const named = await startHostProxy({ 'lumen-mail.example': own.url });
    try {
      const r = await verifyCli(['http://lumen-mail.example/', ...pinsArg(w)], NOW, named.env);
      expect(r.codes.filter((c) => c.startsWith('SERVICE_'))).toEqual([]);
      expect(r.code, r.out + r.err).toBe(0);
    } finally {
      await named.close();
      await own.close();
    }
  });

  it('in file mode, --service says which service is expected: SERVICE_MISMATCH; without it, SERVICE_UNCHECKED', async () => {
    const args = [...(await files(vpn, vpnHb)), ...signerKeyArgs(w, f)];
    const expected = await verifyCli([...args, '--service', 'https://lumen-mail.example']);
    expect(expected.codes).toContain('SERVICE_MISMATCH');
    expect(expected.code).toBe(3);
    const unchecked = await verifyCli(args);
    expect(unchecked.codes).toContain('SERVICE_UNCHECKED');
    expect(unchecked.code).toBe(0);
  });

  it('against a --previous of the right service: SERVICE_MISMATCH', async () => {
    const next = await reissue(successorData(att1, T1, { service: vpn.data.service }), w.signers.slice(0, 2), T1);
    const r = await check(w, { attestation: next.file, previous: att1.file, requireHeartbeat: false }, after(T1));
    expect(r.codes).toContain('SERVICE_MISMATCH');
  });
});

const withStatement = (id: string, text: string): Statement[] => STATEMENTS.map((s) => (s.id === id ? { ...s, text } : s));

describe('statements that read otherwise than they are signed', () => {
  it.each([
    ['a right-to-left override (shows "not" for the signed "ton")', 'We have \u202Eton\u202C received any search warrant for user data.'],
    ['a right-to-left isolate', 'We have not received \u2067any\u2069 search warrant for user data.'],
    ['a zero-width space inside a word', 'We have no\u200Bt received any search warrant for user data.'],
    ['a soft hyphen', 'We have not re\u00ADceived any search warrant for user data.'],
    ['a Cyrillic "о" in "not"', 'We have n\u043Et received any search warrant for user data.'],
    ['a Greek "ο" in "not"', 'We have n\u03BFt received any search warrant for user data.'],
    ['a figure space', 'We have not\u2007received any search warrant for user data.'],
    ['styled mathematical letters', 'We have \u{1D427}\u{1D428}\u{1D42D} received any search warrant for user data.'],
    ['a tag character', 'We have not received any search warrant for user data.\u{E0041}'],
  ])('%s: TEXT_DECEPTIVE (invalid), on first sight', async (_, text) => {
    // Signed as the attacker (or a careless signer) would, without candor's own refusal at prepare.
    const att = await reissue({ ...att1.data, statements: withStatement('WAR', text) }, w.signers.slice(0, 2), new Date(att1.data.issued));
    const r = await check(w, { attestation: att.file, requireHeartbeat: false });
    expect(r.codes).toEqual(['TEXT_DECEPTIVE']);
    expect(r.verdict).toBe('invalid');
  });

  it('through the CLI: exit 3, TEXT_DECEPTIVE', async () => {
    const att = await reissue(
      { ...att1.data, statements: withStatement('WAR', 'We have \u202Eton\u202C received any search warrant.') },
      w.signers.slice(0, 2),
      new Date(att1.data.issued),
    );
    const r = await verifyCli([await f.write('rlo.txt', att.file), ...signerKeyArgs(w, f)]);
    expect(r.codes).toContain('TEXT_DECEPTIVE');
    expect(r.code).toBe(3);
  });

  it.each([
    ['accents, CJK, Arabic and Cyrillic words', 'Zoë, Łódź, 日本語, عربي and Москва are all fine here.'],
    ['an emoji sequence with joiners', 'Our team 👩‍💻 signs this by hand ✔️.'],
    ['a Persian zero-width non-joiner', 'ما هیچ حکمی دریافت نکرده\u200Cایم.'],
    ['no-break spaces of French typography', 'Nous n\u2019avons reçu aucun mandat\u202F: aucun.'],
  ])('%s: not flagged, ALIVE', async (_, text) => {
    const att = await w.attest({ statements: withStatement('WAR', text) });
    const hb = await w.heartbeat(att);
    const r = await check(w, { attestation: att.file, heartbeat: hb.file });
    expect(r.codes).not.toContain('TEXT_DECEPTIVE');
    expect(r.verdict).toBe('alive');
  });

  describe('refused before signing, naming the statement', () => {
    let p: TestProject;
    beforeAll(async () => {
      p = await makeProject();
      await p.writeConfig((c) => {
        (c['freshness'] as Record<string, unknown>)['required'] = false;
      });
      await writeFile(
        path.join(p.root, 'content', 'canary', 'statements.yml'),
        stringify({ statements: withStatement('GAG', 'We are n\u043Et under any gag order.') }),
      );
    });
    afterAll(() => p.cleanup());

    it('candor check: exit 65, SCHEMA_INVALID at statements[1].text', async () => {
      const r = await p.cli(['check']);
      expect(r.code).toBe(65);
      expect(r.out + r.err).toContain('statements[1].text');
      expect(r.out + r.err).toContain('Cyrillic');
    });

    it('candor canary attest prepare: exit 65, the statement named', async () => {
      const r = await p.cli(['canary', 'attest', 'prepare']);
      expect(r.code).toBe(65);
      expect(r.err).toContain('statement GAG');
    });

    it('an explanation with a bidirectional override is refused at prepare too (COMPOSE_REFUSED)', async () => {
      await writeFile(path.join(p.root, 'content', 'canary', 'statements.yml'), stringify({ statements: STATEMENTS }));
      const r = await p.cli(['canary', 'attest', 'prepare', '--duress', 'All is \u202Eenif\u202C.']);
      expect(r.code).toBe(65);
      expect(r.err).toContain('COMPOSE_REFUSED');
      expect(r.err).toContain('--duress');
    });
  });
});
