/**
 * Every OpenPGP verifier the README names (gpg, gpgv, sqop, pgpainless-cli, sq, rnp),
 * each run as a careful script runs it, in a sandbox: given only the armored public keys,
 * it says whether every listed signer verifies the file.
 *
 *   const verifiers = verifiersIn(box);
 *   for (const v of verifiers) expect((await v.verify({ file, certs, fingerprints })).ok).toBe(true);
 */
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { GPG_DISTRUST, gpgStatus, run, runOk, validSigners, type Sandbox } from './tools.ts';

export interface Signed {
  file: string;
  certs: string[];
  fingerprints: string[];
}

export interface Outcome {
  ok: boolean;
  detail: string;
}

export interface Verifier {
  tool: string;
  needs: string[];
  verify: (s: Signed) => Promise<Outcome>;
}

const sorted = (xs: string[]) => [...xs].sort();

/** What a careful script does with gpg: exit 0, one VALIDSIG per signer, nothing that says "but". */
export function judgeGpg(code: number, status: string[][], s: Signed): Outcome {
  const distrust = status.filter((l) => GPG_DISTRUST.includes(l[0]!)).map((l) => l[0]);
  const valid = validSigners(status);
  const ok = code === 0 && distrust.length === 0 && JSON.stringify(sorted(valid)) === JSON.stringify(sorted(s.fingerprints));
  return { ok, detail: `exit ${code}, VALIDSIG [${valid.join(' ')}], distrust [${distrust.join(' ')}]` };
}

/** The verifiers, writing their files into `box` (a fresh sandbox per test). */
export function verifiersIn(box: () => Sandbox) {
  let n = 0;
  const put = (name: string, content: string) => box().file(`${++n}-${name}`, content);
  const certFiles = (s: Signed) => s.certs.map((c) => put('cert.asc', c));
  const env = () => box().env;

  async function gpgVerify(s: Signed) {
    await runOk('gpg', ['--batch', '--no-tty', '--import', ...certFiles(s)], { env: env() });
    const r = await run('gpg', ['--batch', '--no-tty', '--status-fd', '1', '--verify', put('canary.asc', s.file)], { env: env() });
    return { code: r.code, status: gpgStatus(r.stdout) };
  }

  async function gpgvVerify(s: Signed) {
    const keyring = put('keyring.gpg', '');
    for (const cert of certFiles(s)) {
      const bin = `${cert}.gpg`;
      await runOk('gpg', ['--batch', '--no-tty', '--dearmor', '--output', bin, cert], { env: env() });
      appendFileSync(keyring, readFileSync(bin));
    }
    const r = await run('gpgv', ['--status-fd', '1', '--keyring', keyring, put('canary.asc', s.file)], { env: env() });
    return { code: r.code, status: gpgStatus(r.stdout) };
  }

  /** SOP tools list one verification per good signature: "DATE SIGNING-FPR PRIMARY-FPR ...". */
  async function sopVerify(tool: string, outFlag: (path: string) => string[], s: Signed): Promise<Outcome> {
    const out = `${box().dir}/${++n}-verifications.txt`;
    const r = await run(tool, ['inline-verify', ...outFlag(out), ...certFiles(s)], { input: s.file, env: env() });
    const listed =
      r.code === 0
        ? readFileSync(out, 'utf8')
            .trim()
            .split('\n')
            .map((l) => l.split(' ')[2]!)
        : [];
    const ok = r.code === 0 && s.fingerprints.every((f) => listed.includes(f));
    return { ok, detail: `exit ${r.code}, verified by [${listed.join(' ')}]` };
  }

  async function rnpVerify(s: Signed): Promise<Outcome> {
    const home = `${box().dir}/${++n}-rnp`;
    mkdirSync(home, { mode: 0o700 });
    for (const cert of certFiles(s)) await runOk('rnpkeys', ['--homedir', home, '--import', cert], { env: env() });
    const r = await run('rnp', ['--homedir', home, '--verify', put('canary.asc', s.file)], { env: env() });
    const out = (r.stdout + r.stderr).toLowerCase();
    const good = out.split('good signature').length - 1;
    const ok = r.code === 0 && good === s.fingerprints.length && s.fingerprints.every((f) => out.includes(f.toLowerCase()));
    return { ok, detail: `exit ${r.code}, ${good} good signature(s)` };
  }

  const verifiers: Verifier[] = [
    {
      tool: 'gpg',
      needs: ['gpg'],
      verify: async (s) => {
        const r = await gpgVerify(s);
        return judgeGpg(r.code, r.status, s);
      },
    },
    {
      tool: 'gpgv',
      needs: ['gpg', 'gpgv'],
      verify: async (s) => {
        const r = await gpgvVerify(s);
        return judgeGpg(r.code, r.status, s);
      },
    },
    { tool: 'sqop', needs: ['sqop'], verify: (s) => sopVerify('sqop', (p) => ['--verifications-out', p], s) },
    { tool: 'pgpainless-cli', needs: ['pgpainless-cli'], verify: (s) => sopVerify('pgpainless-cli', (p) => [`--verifications-out=${p}`], s) },
    {
      tool: 'sq',
      needs: ['sq'],
      // --signatures N: every listed signer must verify, not just one of them.
      verify: async (s) => {
        const r = await run(
          'sq',
          ['verify', ...certFiles(s).flatMap((c) => ['--signer-cert', c]), '--signatures', String(s.fingerprints.length), put('canary.asc', s.file)],
          { env: env() },
        );
        return { ok: r.code === 0, detail: `exit ${r.code}` };
      },
    },
    { tool: 'rnp', needs: ['rnp', 'rnpkeys'], verify: rnpVerify },
  ];
  return { verifiers, gpgVerify };
}
