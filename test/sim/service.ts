/**
 * The simulated deployment: this repository's own tree (the demo service in content/ with
 * the code and the workflows) committed into the local GitHub, with throwaway keys for two
 * signers (Ada signs with candor, Bruno with gpg) and the CI key, the explorers of a
 * synthetic chain, a real SMTP server and a webhook receiver on 127.0.0.1, the canary log's
 * witnesses (`candor witness serve`, test/sim/witnesses.ts), and the operators' side:
 * clones, the signers' routine, pull requests.
 */
import { execFile } from 'node:child_process';
import { renameSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { parseDocument, stringify } from 'yaml';
import { generateSigningKey } from '../../src/core/pgp/keys.ts';
import { formatSignerKey, formatVerifierKey, signerFromSeed } from '../../src/core/tlog/note.ts';
import { MAINTAINER, type FakeUser } from '../helpers/github-server.ts';
import { startReceiver, type Receiver } from '../helpers/notify.ts';
import { startSmtp, type TestSmtp } from '../helpers/smtp.ts';
import { git } from '../runner/git.ts';
import { REPO, startLocalGitHub, type LocalGitHub, type LocalGitHubOptions } from '../runner/runner.ts';
import { scratch } from '../runner/scratch.ts';
import { startChain, type Chain } from './chain.ts';
import { startWitnesses, witnessPolicy, type SimWitness } from './witnesses.ts';

const exec = promisify(execFile);
export const PASSPHRASE = 'sim: correct horse battery staple';
export const SMTP_USER = 'notifier';
export const SMTP_PASSWORD = 'sim-smtp-password-0123';
export const WEBHOOK_SECRET = 'sim-webhook-secret-0123456789';
export const REPOSITORY = 'lumen/privacy';
export const NODE = path.join(REPO, 'node_modules', 'node', 'bin', 'node');
export const CANDOR = path.join(REPO, 'bin', 'candor.mjs');

export interface SimKey {
  name: string;
  fingerprint: string;
  privateKey: string;
  publicKey: string;
  file: string;
}

export interface Service {
  gh: LocalGitHub;
  chain: Chain;
  smtp: TestSmtp;
  smtpPort: number;
  receiver: Receiver;
  ada: SimKey;
  bruno: SimKey;
  ci: SimKey;
  /** Bruno's gpg home, holding his private key. */
  gnupg: string;
  dir: string;
  /** The first simulated day. */
  start: Date;
  /**
   * The simulated time outside runs (the operators' actions, the explorers between runs);
   * the witnesses' clock starts from it (test/sim/witness-clock.ts).
   */
  now: Date;
  /** The canary log's witnesses (opts.witnesses), named in canary.yml's log.witnesses. */
  witnesses: SimWitness[];
  /** The canary log's origin and verifier key, with opts.canaryLog. */
  canaryLog?: { origin: string; vkey: string };
  secrets: Record<string, string>;
  /** Stops or restarts the SMTP server on its port. */
  setSmtp(up: boolean): Promise<void>;
  /** A person's clone of main, to prepare a change; `commit` and `push` use the simulated clock. */
  clone(who: string, opts?: { repository?: string }): Promise<Clone>;
  candor(cwd: string, args: string[], at: Date, env?: NodeJS.ProcessEnv): Promise<{ code: number; out: string; err: string }>;
  /** A reader: the shipped `candor verify <Pages URL> --state FILE` at `at` (exit 0 alive, 1 tripped, 2 stale, 3 invalid). */
  read(state: string, at: Date, extra?: string[]): Promise<{ code: number; out: string; err: string }>;
  makeKey(name: string, at: Date, expiresInDays?: number): Promise<SimKey>;
  close(): Promise<void>;
}

export interface Clone {
  dir: string;
  commit(message: string, at: Date): Promise<string>;
  push(branch: string, at: Date): Promise<void>;
}

async function makeKey(dir: string, name: string, at: Date, expiresInDays?: number): Promise<SimKey> {
  const k = await generateSigningKey({
    name: `${name} (THROWAWAY SIMULATION KEY)`,
    email: `${name.toLowerCase().replace(/\W+/g, '.')}@lumen-mail.example`,
    passphrase: PASSPHRASE,
    now: at,
    ...(expiresInDays ? { expiresInDays } : {}),
  });
  const file = path.join(dir, `${name.replace(/\W+/g, '-').toLowerCase()}-${k.fingerprint.slice(-8)}.asc`);
  await writeFile(file, k.privateKey, { mode: 0o600 });
  return { name, fingerprint: k.fingerprint, privateKey: k.privateKey, publicKey: k.publicKey, file };
}

export interface ServiceOptions {
  /** The first day: the seed commit and the first attestation are made then. */
  start: Date;
  /** Days the CI key is valid from the start (the simulation rotates it before it expires). */
  ciKeyDays?: number;
  watch?: LocalGitHubOptions['watch'];
  holdPush?: LocalGitHubOptions['holdPush'];
  log?: (line: string) => void;
  /** Keep a canary log (decision 0031): a log key in canary.yml, its signer key as the CANDOR_LOG_KEY secret. */
  canaryLog?: boolean;
  /**
   * With canaryLog: this many push witnesses (`candor witness serve`), named in canary.yml's
   * log.witnesses from the start with a quorum of `quorum` of them.
   */
  witnesses?: { count: number; quorum: number };
}

export async function startService(opts: ServiceOptions): Promise<Service> {
  const dir = await mkdtemp(path.join(scratch(), 'candor-sim-'));
  const secretsDir = path.join(dir, 'private');
  const gnupg = path.join(dir, 'gnupg');
  await mkdir(secretsDir, { mode: 0o700 });
  await mkdir(gnupg, { mode: 0o700 });
  const service = { start: opts.start, witnesses: [] as SimWitness[] } as Service;
  // The simulated clock, also written where the witnesses' processes read it (witness-clock.ts).
  const clockFile = path.join(dir, 'clock');
  const clocked = Boolean(opts.canaryLog && opts.witnesses);
  let now = opts.start;
  Object.defineProperty(service, 'now', {
    enumerable: true,
    get: () => now,
    set: (at: Date) => {
      now = at;
      if (!clocked) return;
      writeFileSync(`${clockFile}.new`, `${at.getTime()} ${Date.now()}\n`);
      renameSync(`${clockFile}.new`, clockFile);
    },
  });
  service.now = opts.start;
  const chain = await startChain({ genesis: new Date(opts.start.getTime() - 30 * 86_400_000), now: () => service.now });
  // STARTTLS required, as a real submission server: the channel refuses to send credentials in clear.
  let smtp = await startSmtp({ tls: 'required', users: { [SMTP_USER]: SMTP_PASSWORD } });
  const caFile = path.join(dir, 'smtp-ca.pem');
  await writeFile(caFile, smtp.ca!);
  const smtpPort = smtp.port;
  const receiver = await startReceiver(WEBHOOK_SECRET);
  const [ada, bruno, ci] = await Promise.all([
    makeKey(secretsDir, 'Ada Moreau', opts.start, 730),
    makeKey(secretsDir, 'Bruno Keller', opts.start, 730),
    makeKey(secretsDir, 'Lumen Mail CI', opts.start, opts.ciKeyDays ?? 730),
  ]);
  // Bruno keeps his key in gpg (as on a hardware token) and signs with gpg --detach-sign.
  // gpg's clock is the simulated one too (a key "created in the future" is refused otherwise).
  await exec('gpg', [
    '--homedir',
    gnupg,
    '--batch',
    '--faked-system-time',
    `${Math.floor(opts.start.getTime() / 1000) + 60}!`,
    '--pinentry-mode',
    'loopback',
    '--passphrase',
    PASSPHRASE,
    '--import',
    bruno.file,
  ]);
  const logKey = opts.canaryLog ? signerFromSeed('lumen-mail.example/canary/log', crypto.getRandomValues(new Uint8Array(32))) : undefined;
  const secrets: Record<string, string> = {
    CANDOR_SIGNING_KEY: ci.privateKey,
    CANDOR_PASSPHRASE: PASSPHRASE,
    CANDOR_SMTP_USER: SMTP_USER,
    CANDOR_SMTP_PASSWORD: SMTP_PASSWORD,
    CANDOR_WEBHOOK_SECRET: WEBHOOK_SECRET,
    ...(logKey ? { CANDOR_LOG_KEY: formatSignerKey(logKey) } : {}),
  };
  const log = logKey ? { origin: logKey.name, vkey: formatVerifierKey(logKey) } : undefined;
  const witnesses =
    log && opts.witnesses
      ? await startWitnesses({
          node: NODE,
          candor: CANDOR,
          dir,
          secretsDir,
          count: opts.witnesses.count,
          log,
          clockFile,
          env: { PATH: process.env['PATH'], LC_ALL: 'C', TZ: 'UTC' },
        })
      : [];
  const gh = await startLocalGitHub({
    repository: REPOSITORY,
    secrets,
    // A compile cache, as a runner image could keep between jobs (it caches compiled code, nothing of ours changes).
    // The machine trusts the SMTP server's certificate, as a runner trusts a real server's CA.
    env: { NODE_COMPILE_CACHE: path.join(scratch(), 'candor-sim-compile-cache'), NODE_EXTRA_CA_CERTS: caFile },
    ...(opts.watch ? { watch: opts.watch } : {}),
    ...(opts.holdPush ? { holdPush: opts.holdPush } : {}),
    ...(opts.log ? { log: opts.log } : {}),
  });
  const candor = async (cwd: string, args: string[], at: Date, env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> => {
    const result = await exec(NODE, [CANDOR, '--root', cwd, '--now', at.toISOString(), ...args], {
      cwd,
      env: { PATH: process.env['PATH'], HOME: dir, CANDOR_PASSPHRASE: PASSPHRASE, LC_ALL: 'C', TZ: 'UTC', ...env },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );
    return result;
  };

  const read = (state: string, when: Date, extra: string[] = []) =>
    exec(NODE, [CANDOR, 'verify', gh.pagesUrl, '--state', state, '--now', when.toISOString(), ...extra], {
      env: { PATH: process.env['PATH'], LC_ALL: 'C', TZ: 'UTC' },
    }).then(
      ({ stdout, stderr }) => ({ code: 0, out: stdout, err: stderr }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout, err: e.stderr }),
    );
  Object.assign(service, {
    gh,
    chain,
    smtp,
    smtpPort,
    receiver,
    ada,
    bruno,
    ci,
    gnupg,
    dir,
    secrets,
    witnesses,
    ...(log ? { canaryLog: log } : {}),
    candor,
    read,
    makeKey: (name: string, at: Date, days?: number) => makeKey(secretsDir, name, at, days),
    async setSmtp(up: boolean) {
      if (!up) await smtp.close();
      else {
        const received = smtp.received;
        smtp = await startSmtp({ tls: 'required', users: { [SMTP_USER]: SMTP_PASSWORD }, port: smtpPort });
        // One mailbox across restarts: what arrived before the outage still counts.
        smtp.received.unshift(...received);
      }
      service.smtp = smtp;
    },
    async clone(who: string, o: { repository?: string } = {}) {
      const cloneDir = await mkdtemp(path.join(dir, `clone-${who.replace(/\W+/g, '-')}-`));
      const repository = o.repository ?? REPOSITORY;
      const token = gh.userToken(who, repository);
      const auth = ['-c', `http.${gh.git.url}/.extraheader=AUTHORIZATION: basic ${Buffer.from(`${who}:${token}`).toString('base64')}`];
      await git(['clone', '--quiet', gh.git.cloneUrl(repository), cloneDir]);
      const identity = (at: Date) => ({
        GIT_AUTHOR_NAME: who,
        GIT_AUTHOR_EMAIL: `${who.toLowerCase().replace(/\W+/g, '.')}@lumen-mail.example`,
        GIT_COMMITTER_NAME: who,
        GIT_COMMITTER_EMAIL: `${who.toLowerCase().replace(/\W+/g, '.')}@lumen-mail.example`,
        GIT_AUTHOR_DATE: at.toISOString(),
        GIT_COMMITTER_DATE: at.toISOString(),
      });
      return {
        dir: cloneDir,
        async commit(message: string, at: Date) {
          await git(['-C', cloneDir, 'add', '--all'], { env: identity(at) });
          await git(['-C', cloneDir, 'commit', '--quiet', '-m', message], { env: identity(at) });
          return git(['-C', cloneDir, 'rev-parse', 'HEAD']);
        },
        async push(branch: string, at: Date) {
          gh.setClock(at);
          await git([...auth, '-C', cloneDir, 'push', '--quiet', 'origin', `HEAD:refs/heads/${branch}`], { env: identity(at) });
        },
      };
    },
    async close() {
      await Promise.all(witnesses.map((w) => w.stop()));
      await gh.close();
      await Promise.all([chain.close(), smtp.close().catch(() => undefined), receiver.close()]);
      await rm(dir, { recursive: true, force: true });
    },
  });
  await gh.seed(REPO, {
    at: opts.start,
    transform: async (work) => {
      for (const f of await readdir(path.join(work, 'keys'))) if (f.endsWith('.asc')) await rm(path.join(work, 'keys', f));
      for (const k of [ada, bruno, ci]) await writeFile(path.join(work, 'keys', `${k.fingerprint}.asc`), k.publicKey);
      const file = path.join(work, 'content', 'canary', 'canary.yml');
      const config = parseDocument(await readFile(file, 'utf8'));
      const ref = (k: SimKey) => ({ name: k.name, fingerprint: k.fingerprint });
      config.setIn(['signers'], { threshold: 2, keys: [ref(ada), ref(bruno)] });
      config.setIn(['heartbeat', 'keys'], [ref(ci)]);
      config.setIn(['panicKeys'], []);
      config.setIn(['freshness', 'bitcoin', 'sources'], chain.sources);
      // The witness policy from the start: every attestation names it, so every one is judged by it.
      if (log) config.setIn(['log'], { key: log.vkey, ...(opts.witnesses ? { witnesses: witnessPolicy(witnesses, opts.witnesses.quorum) } : {}) });
      await writeFile(file, config.toString());
      await writeFile(
        path.join(work, 'content', 'notify.yml'),
        stringify({
          announceEffective: true,
          email: {
            host: '127.0.0.1',
            port: smtpPort,
            security: 'starttls',
            from: 'Lumen Mail <announce@lumen-mail.example>',
            to: ['announce@lists.lumen-mail.example'],
            userEnv: 'CANDOR_SMTP_USER',
            passwordEnv: 'CANDOR_SMTP_PASSWORD',
          },
          webhooks: [{ url: receiver.url, secretEnv: 'CANDOR_WEBHOOK_SECRET' }],
          github: { repository: REPOSITORY, issues: true, releases: false },
          operators: { to: ['canary-ops@lumen-mail.example'] },
        }),
      );
      // The signers' first attestation, before the year starts.
      await signAttestation(service, work, opts.start, []);
    },
  });
  return service;
}

/**
 * The signers' routine in a clone: prepare, Ada signs with candor, Bruno signs the same
 * text with gpg --detach-sign and it is merged with add-signature, then publish.
 */
export async function signAttestation(s: Service, work: string, at: Date, prepareArgs: string[]): Promise<string> {
  const ok = async (args: string[], env?: NodeJS.ProcessEnv): Promise<string> => {
    const r = await s.candor(work, args, at, env);
    if (r.code !== 0) throw new Error(`candor ${args.join(' ')} exited ${r.code}: ${r.err || r.out}`);
    return r.out;
  };
  await ok(['canary', 'attest', 'prepare', ...prepareArgs]);
  await ok(['canary', 'attest', 'sign', '--key', s.ada.file]);
  const sig = path.join(s.dir, `bruno-${at.getTime()}.sig`);
  const date = Math.floor(at.getTime() / 1000);
  await exec('gpg', [
    '--homedir',
    s.gnupg,
    '--batch',
    '--pinentry-mode',
    'loopback',
    '--passphrase',
    PASSPHRASE,
    '--faked-system-time',
    `${date}!`,
    '--armor',
    '--textmode',
    '--detach-sign',
    '--local-user',
    s.bruno.fingerprint,
    '--output',
    sig,
    path.join(work, 'content', 'canary', 'pending', 'attestation.txt'),
  ]);
  await ok(['canary', 'attest', 'add-signature', sig]);
  return ok(['canary', 'attest', 'publish']);
}

/** gpg with its clock at `at`, as the reader's or signer's machine would have it. */
export const gpgAt = (gnupg: string, at: Date): string[] => ['--homedir', gnupg, '--batch', '--faked-system-time', `${Math.floor(at.getTime() / 1000)}!`];

export const PEOPLE: Record<string, FakeUser> = {
  ada: { login: 'ada-moreau', id: 7001, type: 'User' },
  maintainer: MAINTAINER,
  mallory: { login: 'mallory', id: 9_000_666, type: 'User' },
};
