/**
 * Every `candor` command and option as it ships: `bin/candor.mjs` in a child process, in
 * a fresh operator repository made from the demo's content, with keys made by candor and
 * by gpg, a synthetic Bitcoin chain on 127.0.0.1 and a webhook receiver. Each step checks
 * the files it writes and its exit code. The last test reads `candor --help` of every
 * command and fails when this file did not run one of the commands or options it lists:
 * a new command or flag needs a test here, as installed (issue 10).
 */
import path from 'node:path';
import os from 'node:os';
import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { promisify } from 'node:util';
import { cp, mkdir, mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as openpgp from 'openpgp';
import { parse as parseCsv } from 'csv-parse/sync';
import { parseDocument } from 'yaml';
import { candor, REPO, type CandorResult } from '../helpers/candor-bin.ts';
import { startChain, blockHash, type Chain } from '../helpers/chain.ts';
import { startReceiver, type Receiver } from '../helpers/notify.ts';
import { gpgStatus, runOk, sandbox, validSigners, type Sandbox } from '../helpers/tools.ts';
import { serveStatic } from '../../scripts/serve.ts';

const exec = promisify(execFile);
const PASS = 'a long passphrase for the journey';
const CI_PASS = 'the CI passphrase';
const WEBHOOK_SECRET = 'webhook secret of the journey';
/** Day 0 of the journey; each step says which day it runs on. */
const DAY0 = Date.parse('2026-12-01T09:00:00Z');
const day = (n: number, hours = 0): string => new Date(DAY0 + n * 86_400_000 + hours * 3_600_000).toISOString().replace('.000Z', 'Z');

let tmp: string;
let root: string;
/** The operator's site, built by `npm run build`. */
let site: string;
let secrets: string;
let gpg: Sandbox;
let chain: Chain;
let hooks: Receiver;
const fpr: Record<'ada' | 'bruno' | 'ci' | 'ada2' | 'ci2', string> = { ada: '', bruno: '', ci: '', ada2: '', ci2: '' };
/** Every argument list this file ran, for the completeness check at the end. */
const ran: string[][] = [];

/** The shipped CLI in the operator repository at `now` (the chain's tip follows the clock). */
async function cli(args: string[], now: string, env: NodeJS.ProcessEnv = {}): Promise<CandorResult> {
  ran.push(args);
  chain.setNow(new Date(now));
  return candor(['--root', root, '--now', now, ...args], { cwd: root, env });
}

/** As cli(), and the step must succeed; on failure the message shows what candor said. */
async function ok(args: string[], now: string, env: NodeJS.ProcessEnv = {}): Promise<CandorResult> {
  const r = await cli(args, now, env);
  expect(r.code, `candor ${args.join(' ')}\n${r.out}${r.err}`).toBe(0);
  return r;
}

const inRoot = (...parts: string[]) => path.join(root, ...parts);
/**
 * A reader's pins for file and archive mode: Ada by her key file, Bruno by fingerprint,
 * and the repository's keys/ as key material only (--keyring pins nothing: decision 0009).
 */
const readerKeys = (): string[] => ['--keyring', inRoot('keys'), '--keys', inRoot('keys', `${fpr.ada}.asc`), '--keys', fpr.bruno];
const archive = (name: string) => inRoot('content', 'canary', 'archive', name);
const codes = (json: string): string[] => (JSON.parse(json) as { reasons: { code: string }[] }).reasons.map((r) => r.code);
const git = (...args: string[]) => exec('git', ['-C', root, '-c', 'user.name=Ops', '-c', 'user.email=ops@lumen-mail.example', ...args]);
/** gpg's clock at `now` plus a minute (a person signs after candor prepared the text). */
const gpgAt = (now: string): string[] => ['--faked-system-time', `${Date.parse(now) / 1000 + 60}!`];
const generated = (out: string): string => /Generated ([0-9A-F]{40})/.exec(out)?.[1] ?? '';

async function editYaml(file: string, edit: (doc: ReturnType<typeof parseDocument>) => void): Promise<void> {
  const doc = parseDocument(await readFile(file, 'utf8'));
  edit(doc);
  await writeFile(file, doc.toString());
}

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'candor-journey-'));
  root = path.join(tmp, 'lumen');
  site = path.join(tmp, 'site');
  secrets = path.join(tmp, 'secrets');
  await mkdir(secrets, { mode: 0o700 });
  await writeFile(path.join(secrets, 'passphrase'), `${PASS}\n`, { mode: 0o600 });
  // A new operator's repository: the demo's content, no keys, no archive, its own git history.
  await cp(path.join(REPO, 'content'), inRoot('content'), { recursive: true });
  await mkdir(inRoot('keys'));
  await exec('git', ['init', '-q', '-b', 'main', root]);
  gpg = sandbox();
  chain = await startChain(new Date(DAY0));
  hooks = await startReceiver(WEBHOOK_SECRET);
});

afterAll(async () => {
  await chain?.close();
  await hooks?.close();
  await gpg?.remove();
  await rm(tmp, { recursive: true, force: true });
});

describe('an operator adopts candor, as installed', () => {
  it('prints its version and help', async () => {
    const version = await ok(['--version'], day(0));
    expect(version.out.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    expect((await ok(['--help'], day(0))).out).toContain('canary');
    // --root and --now after the command mean the same as before it.
    ran.push(['check', '--root', root, '--now', day(0)]);
    const after = await candor(['check', '--root', root, '--now', day(0)], { cwd: tmp });
    expect(after.out).toContain('content/canary/canary.yml');
  });

  it('keys generate: an encrypted key per person (passphrase file) and for the CI (passphrase variable)', async () => {
    const ada = await ok(
      [
        'keys',
        'generate',
        '--name',
        'Ada Moreau',
        '--email',
        'ada@lumen-mail.example',
        '--out',
        path.join(secrets, 'ada.asc'),
        '--expires-days',
        '730',
        '--passphrase-file',
        path.join(secrets, 'passphrase'),
      ],
      day(0),
    );
    const ci = await ok(['keys', 'generate', '--name', 'Lumen CI', '--out', path.join(secrets, 'ci.asc'), '--passphrase-env', 'CI_PASS'], day(0), { CI_PASS });
    fpr.ada = generated(ada.out);
    fpr.ci = generated(ci.out);
    for (const [name, fingerprint, passphrase] of [
      ['ada', fpr.ada, PASS],
      ['ci', fpr.ci, CI_PASS],
    ] as const) {
      const file = path.join(secrets, `${name}.asc`);
      expect((await stat(file)).mode & 0o077, `${file} is private`).toBe(0);
      const key = await openpgp.readPrivateKey({ armoredKey: await readFile(file, 'utf8') });
      expect(key.isDecrypted()).toBe(false);
      await openpgp.decryptKey({ privateKey: key, passphrase });
      expect(existsSync(inRoot('keys', `${fingerprint}.asc`))).toBe(true);
    }
    const adaKey = await openpgp.readKey({ armoredKey: await readFile(inRoot('keys', `${fpr.ada}.asc`), 'utf8') });
    expect((await adaKey.getPrimaryUser()).user.userID?.email).toBe('ada@lumen-mail.example');
    expect(await adaKey.getExpirationTime()).toEqual(new Date(Date.parse(day(0)) + 730 * 86_400_000));
  });

  it('keys import: a signer whose key lives in gpg', async () => {
    await runOk(
      'gpg',
      [
        ...gpgAt(day(-1)),
        '--batch',
        '--pinentry-mode',
        'loopback',
        '--passphrase',
        '',
        '--quick-gen-key',
        'Bruno Keller <bruno@lumen-mail.example>',
        'ed25519',
        'sign',
        '2y',
      ],
      { env: gpg.env },
    );
    fpr.bruno = /fpr:+([0-9A-F]{40}):/.exec(await runOk('gpg', ['--with-colons', '--list-keys', 'bruno@lumen-mail.example'], { env: gpg.env }))![1]!;
    const pub = gpg.file('bruno.pub.asc', await runOk('gpg', ['--armor', '--export', fpr.bruno], { env: gpg.env }));
    const imported = await ok(['keys', 'import', pub], day(0));
    expect(imported.out).toContain(fpr.bruno);
    expect(existsSync(inRoot('keys', `${fpr.bruno}.asc`))).toBe(true);
  });

  it('check: the demo content with the new keys passes once canary.yml names them and the reports are signed', async () => {
    await editYaml(inRoot('content', 'canary', 'canary.yml'), (doc) => {
      doc.setIn(['signers'], {
        threshold: 2,
        keys: [
          { name: 'Ada Moreau', fingerprint: fpr.ada },
          { name: 'Bruno Keller', fingerprint: fpr.bruno },
        ],
      });
      doc.setIn(['heartbeat', 'keys'], [{ name: 'Lumen CI', fingerprint: fpr.ci }]);
      doc.setIn(['panicKeys'], []);
      doc.setIn(['freshness', 'bitcoin', 'sources'], chain.sources);
    });
    await writeFile(inRoot('content', 'notify.yml'), `baselineDays: 3650\nwebhooks:\n  - url: ${hooks.url}\n    secretEnv: HOOK_SECRET\n`);
    const before = await cli(['check', '--json'], day(0));
    expect(before.code, before.out).toBe(0);
    expect((JSON.parse(before.out) as { problems: { code: string }[] }).problems.map((p) => p.code)).toContain('REPORT_UNSIGNED');
    const reports = (await readdir(inRoot('content', 'transparency'))).filter((n) => n.endsWith('.md')).map((n) => n.slice(0, -3));
    expect(reports.length).toBeGreaterThan(1);
    await ok(['report', 'sign', reports[0]!, '--key', path.join(secrets, 'ada.asc'), '--passphrase-file', path.join(secrets, 'passphrase')], day(0));
    const adaArmored = await readFile(path.join(secrets, 'ada.asc'), 'utf8');
    for (const id of reports.slice(1))
      await ok(['report', 'sign', id, '--key-env', 'ADA_KEY', '--passphrase-env', 'ADA_PASS'], day(0), { ADA_KEY: adaArmored, ADA_PASS: PASS });
    for (const id of reports) {
      const sig = inRoot('content', 'transparency', `${id}.json.asc`);
      expect(await readFile(sig, 'utf8')).toMatch(/^-----BEGIN PGP SIGNATURE-----\n/);
    }
    const after = await ok(['check', '--json'], day(0));
    expect((JSON.parse(after.out) as { problems: { level: string; code: string }[] }).problems.filter((p) => p.level !== 'note').map((p) => p.code)).toEqual(
      [],
    );
    expect((await ok(['check'], day(0))).out).not.toMatch(/ERROR|WARNING/);
    await git('add', '-A');
    await git('commit', '-q', '-m', 'Adopt candor');
  });

  it('keys list: every key with its role', async () => {
    const rows = JSON.parse((await ok(['keys', 'list', '--json'], day(0))).out) as { fingerprint: string; role: string }[];
    expect(Object.fromEntries(rows.map((r) => [r.fingerprint, r.role]))).toEqual({ [fpr.ada]: 'signer', [fpr.bruno]: 'signer', [fpr.ci]: 'heartbeat' });
    expect((await ok(['keys', 'list'], day(0))).out).toContain(fpr.bruno);
  });
});

describe('the canary routine, as installed', () => {
  it('canary attest prepare, sign (key file), add-signature (gpg --detach-sign), publish', async () => {
    const prepared = await ok(['canary', 'attest', 'prepare', '--lifetime-days', '45'], day(1));
    const pending = inRoot('content', 'canary', 'pending', 'attestation.txt');
    expect(prepared.out).toContain('content/canary/pending/attestation.txt');
    const text = await readFile(pending, 'utf8');
    expect(text).toContain(`Expires: ${day(46).slice(0, 10)}`);
    await ok(['canary', 'attest', 'sign', '--key', path.join(secrets, 'ada.asc'), '--passphrase-file', path.join(secrets, 'passphrase')], day(1));
    expect(await readFile(inRoot('content', 'canary', 'pending', 'attestation.signed.txt'), 'utf8')).toMatch(/^-----BEGIN PGP SIGNED MESSAGE-----\n/);
    const sig = gpg.file('bruno.sig', '');
    await runOk('gpg', [...gpgAt(day(1)), '--batch', '--yes', '--armor', '--textmode', '--detach-sign', '--local-user', fpr.bruno, '--output', sig, pending], {
      env: gpg.env,
    });
    await ok(['canary', 'attest', 'add-signature', sig], day(1));
    const published = await ok(['canary', 'attest', 'publish'], day(1));
    expect(published.out).toContain('attestation-000001.txt');
    expect(existsSync(inRoot('content', 'canary', 'pending')), 'publish leaves no pending folder').toBe(false);
    // gpg, as a reader would run it, finds both people.
    const home = sandbox();
    try {
      for (const f of [fpr.ada, fpr.bruno]) await runOk('gpg', ['--batch', '--import', inRoot('keys', `${f}.asc`)], { env: home.env });
      const status = gpgStatus(
        (await exec('gpg', ['--batch', '--status-fd', '1', '--verify', archive('attestation-000001.txt')], { env: { ...process.env, ...home.env } })).stdout,
      );
      expect(validSigners(status).sort()).toEqual([fpr.ada, fpr.bruno].sort());
    } finally {
      await home.remove();
    }
  });

  it('canary heartbeat: the CI key from a variable, a block from two explorers; --if-due skips until due', async () => {
    const env = { CANDOR_SIGNING_KEY: await readFile(path.join(secrets, 'ci.asc'), 'utf8'), CI_PASS };
    await ok(['canary', 'heartbeat', '--key-env', 'CANDOR_SIGNING_KEY', '--passphrase-env', 'CI_PASS'], day(1, 1), env);
    const first = await readFile(archive('heartbeat-000001.txt'), 'utf8');
    expect(first).toContain(blockHash(chain.tip() - 6));
    expect(
      chain.servers.every((s) => s.hits.length > 0),
      'both explorers were asked',
    ).toBe(true);
    const early = await ok(['canary', 'heartbeat', '--if-due', '--passphrase-env', 'CI_PASS'], day(1, 12), env);
    expect(early.out).toContain('not due');
    expect(existsSync(archive('heartbeat-000002.txt'))).toBe(false);
    await ok(['canary', 'heartbeat', '--if-due', '--key', path.join(secrets, 'ci.asc'), '--passphrase-env', 'CI_PASS'], day(2, 1), { CI_PASS });
    expect(await readFile(archive('heartbeat-000002.txt'), 'utf8')).toContain(blockHash(chain.tip() - 6));
  });

  it('canary heartbeat: --no-freshness refused while canary.yml requires a proof; explorers down, nothing issued (69); then the passphrase from a file', async () => {
    const env = { CANDOR_SIGNING_KEY: await readFile(path.join(secrets, 'ci.asc'), 'utf8'), CANDOR_PASSPHRASE: CI_PASS };
    const refused = await cli(['canary', 'heartbeat', '--no-freshness'], day(3, 1), env);
    expect(refused.code).toBe(65);
    expect(refused.err).toContain('COMPOSE_REFUSED');
    expect(existsSync(archive('heartbeat-000003.txt'))).toBe(false);
    // Explorers down: with a proof required, nothing is issued, and the error says why (exit 69).
    chain.setDown(true);
    const down = await cli(['canary', 'heartbeat'], day(3, 1), env);
    chain.setDown(false);
    expect(down.code).toBe(69);
    expect(existsSync(archive('heartbeat-000003.txt'))).toBe(false);
    const passFile = path.join(secrets, 'ci-passphrase');
    await writeFile(passFile, `${CI_PASS}\n`, { mode: 0o600 });
    await ok(['canary', 'heartbeat', '--passphrase-file', passFile], day(3, 2), { CANDOR_SIGNING_KEY: env.CANDOR_SIGNING_KEY });
    expect(existsSync(archive('heartbeat-000003.txt'))).toBe(true);
  });
});

describe('a reader verifies, as installed', () => {
  /** Pins, and the documents the attestation signs as the built site publishes them. */
  const pins = () => [...readerKeys(), '--documents', path.join(site, 'documents')];
  const state = () => path.join(tmp, 'reader-state.json');

  it('npm run build in the operator repository, then verify URL against the built site', async () => {
    const { stdout } = await exec('npm', ['run', 'build'], {
      cwd: REPO,
      env: { ...process.env, CANDOR_ROOT: root, CANDOR_SITE_OUT: site, CANDOR_NOW: day(3, 3) },
      maxBuffer: 32 * 1024 * 1024,
    });
    expect(stdout).toContain('Built');
    for (const file of [
      'index.html',
      'canary.txt',
      'heartbeat.txt',
      'canary/index.html',
      'manifest.json',
      'policies/privacy/index.html',
      `keys/${fpr.ada}.asc`,
    ])
      expect(existsSync(path.join(site, file)), file).toBe(true);
    expect(await readFile(path.join(site, 'canary.txt'), 'utf8')).toBe(await readFile(archive('attestation-000001.txt'), 'utf8'));
    // Signed in a step of its own, as the publish workflow does: the key from the environment, then from a file.
    const CI_KEY = await readFile(path.join(secrets, 'ci.asc'), 'utf8');
    expect((await ok(['sign-site', site, '--key-env', 'CI_KEY', '--passphrase-env', 'CI_PASS'], day(3, 3), { CI_KEY, CI_PASS })).out).toMatch(
      /manifest\.json lists \d+ files/,
    );
    await ok(['sign-site', site, '--key', path.join(secrets, 'ci.asc'), '--passphrase-file', path.join(secrets, 'ci-passphrase')], day(3, 3));
    expect(existsSync(path.join(site, 'manifest.json.asc'))).toBe(true);
    const server = await serveStatic(site, 0);
    try {
      const result = await ok(
        ['verify', `http://127.0.0.1:${server.port}/`, '--keys', `${fpr.ada},${fpr.bruno}`, '--timeout', '5', '--time-limit', '30', '--json'],
        day(3, 3),
      );
      expect(JSON.parse(result.out).verdict).toBe('alive');
    } finally {
      await server.close();
    }
  }, 180_000);
  it('a private key pasted into a policy: check names the file, npm run build refuses (65) and leaves the built site as it was', async () => {
    const file = inRoot('content', 'policies', 'privacy', '2.2.md');
    const original = await readFile(file, 'utf8');
    const pem = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    await writeFile(file, `${original}\nOur deploy key, for the record:\n\n${pem}`);
    try {
      const checked = await cli(['check', '--json'], day(3, 3));
      expect(checked.code).toBe(65);
      expect(
        (JSON.parse(checked.out) as { problems: { code: string; message: string }[] }).problems
          .filter((p) => p.code === 'PRIVATE_KEY_IN_REPO')
          .map((p) => p.message.split(':')[0]),
      ).toEqual(['content/policies/privacy/2.2.md']);
      const before = await readFile(path.join(site, 'policies', 'privacy', '2.2', 'index.html'), 'utf8');
      const built = await exec('npm', ['run', 'build'], {
        cwd: REPO,
        env: { ...process.env, CANDOR_ROOT: root, CANDOR_SITE_OUT: site, CANDOR_NOW: day(3, 3) },
        maxBuffer: 32 * 1024 * 1024,
      }).then(
        () => ({ code: 0, stderr: '' }),
        (e: { code: number; stderr: string }) => e,
      );
      expect(built.code).toBe(65);
      expect(built.stderr).toMatch(/^error PRIVATE_KEY_IN_REPO: .*policies\/privacy\/2\.2\/index\.html/m);
      expect(built.stderr).not.toContain('PRIVATE KEY-----');
      expect(await readFile(path.join(site, 'policies', 'privacy', '2.2', 'index.html'), 'utf8')).toBe(before);
    } finally {
      await writeFile(file, original);
    }
  }, 180_000);

  it('verify FILE --heartbeat: alive with pins, invalid without (KEY_UNPINNED), --show-text prints the signed text', async () => {
    const files = [archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000003.txt')];
    const alive = await ok(['verify', ...files, ...pins(), '--json'], day(3, 3));
    expect(JSON.parse(alive.out).verdict).toBe('alive');
    const text = await ok(['verify', ...files, ...pins(), '--show-text'], day(3, 3));
    expect(text.out).toContain('ATTESTATION 1');
    const service = await ok(['verify', ...files, ...pins(), '--service', 'https://lumen-mail.example', '--json'], day(3, 3));
    expect(codes(service.out)).not.toContain('SERVICE_UNCHECKED');
    const other = await cli(['verify', ...files, ...pins(), '--service', 'https://another-mail.example', '--json'], day(3, 3));
    expect(other.code).toBe(3);
    expect(codes(other.out)).toContain('SERVICE_MISMATCH');
    const unpinned = await cli(['verify', ...files, '--json'], day(3, 3));
    expect(unpinned.code).toBe(3);
    expect(codes(unpinned.out)).toContain('KEY_UNPINNED');
  });

  it('verify --state remembers the canary; --previous compares with a given attestation; --min-signers raises the bar', async () => {
    const files = [archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000003.txt')];
    await ok(['verify', ...files, ...pins(), '--state', state()], day(3, 3));
    const saved = JSON.parse(await readFile(state(), 'utf8')) as Record<string, unknown>;
    expect(JSON.stringify(saved)).toContain(fpr.ada);
    const replay = await cli(
      ['verify', archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000001.txt'), ...pins(), '--state', state(), '--json'],
      day(3, 3),
    );
    expect(replay.code).toBe(3);
    expect(codes(replay.out)).toContain('SEQUENCE_NOT_INCREASING');
    const withPrevious = await ok(['verify', ...files, ...pins(), '--previous', archive('attestation-000001.txt'), '--json'], day(3, 3));
    expect(codes(withPrevious.out)).not.toContain('HISTORY_UNCHECKED');
    const three = await cli(['verify', ...files, ...pins(), '--min-signers', '3', '--json'], day(3, 3));
    expect(three.code).toBe(3);
    expect(codes(three.out)).toContain('THRESHOLD_BELOW_MINIMUM');
  });

  it('verify --online looks the block up (--explorer), --skew sets the tolerance, stale once expired', async () => {
    const files = [archive('attestation-000001.txt'), '--heartbeat', archive('heartbeat-000003.txt'), ...pins()];
    const explorers = chain.sources.flatMap((s) => ['--explorer', `${s.kind}=${s.url}`]);
    const online = await ok(['verify', ...files, '--online', ...explorers, '--json'], day(3, 3));
    expect(codes(online.out)).not.toContain('FRESHNESS_UNCHECKED');
    // Issued at 02:00 on day 3: with the clock an hour earlier, only a wide skew accepts it.
    const early = await cli(['verify', ...files, '--skew', '60', '--json'], day(3, 1));
    expect(codes(early.out)).toContain('FUTURE_DATED');
    expect(JSON.parse((await cli(['verify', ...files, '--skew', '7200', '--json'], day(3, 1))).out).reasons.map((r: { code: string }) => r.code)).not.toContain(
      'FUTURE_DATED',
    );
    const stale = await cli(['verify', ...files, '--json'], day(6));
    expect(stale.code).toBe(2);
    expect(codes(stale.out)).toContain('HEARTBEAT_EXPIRED');
  });

  it('verify --archive: every document, both chains', async () => {
    const result = await ok(['verify', '--archive', inRoot('content', 'canary', 'archive'), ...readerKeys(), '--json'], day(3, 3));
    expect(JSON.parse(result.out).verdict).toBe('alive');
  });
});

describe('policies and reports, as installed', () => {
  it('policy list, policy diff (text, --color, --json, --html), policy new --version', async () => {
    const list = JSON.parse((await ok(['policy', 'list', '--json'], day(4))).out) as { policy: string; versions: { version: string; status: string }[] }[];
    const privacy = list.find((p) => p.policy === 'privacy')!;
    expect(privacy.versions.some((v) => v.status === 'current')).toBe(true);
    expect((await ok(['policy', 'list'], day(4))).out).toContain('privacy');
    const plain = await ok(['policy', 'diff', 'privacy'], day(4));
    expect(plain.out).not.toContain('\u001b[');
    expect((await ok(['policy', 'diff', 'privacy', '--color'], day(4))).out).toContain('\u001b[');
    const [older, newer] = privacy.versions.map((v) => v.version).slice(-2);
    const json = JSON.parse((await ok(['policy', 'diff', 'privacy', older!, newer!, '--json'], day(4))).out) as Record<string, unknown>;
    expect(Object.keys(json).length).toBeGreaterThan(0);
    expect((await ok(['policy', 'diff', 'privacy', '--html'], day(4))).out).toMatch(/<(ins|del)\b/);
    await ok(['policy', 'new', 'cookies', '--version', '9.0'], day(4));
    const draft = await readFile(inRoot('content', 'policies', 'cookies', '9.0.md'), 'utf8');
    expect(draft).toMatch(/^---\n/);
    expect(draft).toContain('version: "9.0"');
    // The draft's summary is empty on purpose: check refuses it until it is written.
    expect((await cli(['check'], day(4))).code).toBe(65);
    await rm(inRoot('content', 'policies', 'cookies', '9.0.md'));
  });

  it('policy import --dry-run (every flag; the full import is test/shipped/policy-import.test.ts): says what it would write, writes nothing', async () => {
    const page = path.join(REPO, 'test', 'fixtures', 'import', 'saved-page.html');
    const r = await ok(
      [
        'policy',
        'import',
        page,
        '--policy',
        'notes',
        '--version',
        '1.0',
        '--effective',
        '2024-03-01',
        '--published',
        '2024-01-30',
        '--title',
        'Notes privacy',
        '--dry-run',
      ],
      day(4),
    );
    expect(r.out).toContain('Would write content/policies/notes/1.0.md');
    expect(existsSync(inRoot('content', 'policies', 'notes'))).toBe(false);
  });

  it('report new, show (text, --json), export (--csv, --json, --schema, --out)', async () => {
    const ids = (await readdir(inRoot('content', 'transparency')))
      .filter((n) => /^\d{4}.*\.md$/.test(n))
      .map((n) => n.slice(0, -3))
      .sort();
    const last = ids.at(-1)!;
    expect((await ok(['report', 'show', last], day(4))).out).toMatch(/requests received/);
    expect(JSON.parse((await ok(['report', 'show', last, '--json'], day(4))).out)).toHaveProperty('totals');
    const csvFile = path.join(tmp, 'requests.csv');
    await ok(['report', 'export', '--csv', '--out', csvFile], day(4));
    const rows = parseCsv<Record<string, string>>(await readFile(csvFile, 'utf8'), { columns: true });
    expect(new Set(rows.map((r) => r['report']))).toEqual(new Set(ids));
    expect((JSON.parse((await ok(['report', 'export', '--json'], day(4))).out) as { reports: unknown[] }).reports).toHaveLength(ids.length);
    const schema = path.join(tmp, 'schema.json');
    await ok(['report', 'export', '--schema', '--out', schema], day(4));
    expect(JSON.parse(await readFile(schema, 'utf8')).$schema).toContain('2020-12');
    const next = await ok(['report', 'new', '2026-h2'], day(4));
    expect(next.out).toContain('2026-h2');
    expect(existsSync(inRoot('content', 'transparency', '2026-h2.md'))).toBe(true);
    await rm(inRoot('content', 'transparency', '2026-h2.md'));
  });

  it('check --since: a published version edited without a correction is refused', async () => {
    const file = inRoot('content', 'policies', 'privacy', '1.0.md');
    const original = await readFile(file, 'utf8');
    await writeFile(file, `${original}\nA sentence added later.\n`);
    const edited = await cli(['check', '--since', 'HEAD', '--json'], day(4));
    expect(edited.code).toBe(65);
    expect((JSON.parse(edited.out) as { problems: { code: string }[] }).problems.map((p) => p.code)).toContain('HISTORY_REWRITTEN');
    await writeFile(file, original);
    await ok(['check', '--since', 'HEAD'], day(4));
  });

  it('notify --dry-run sends nothing; notify sends each event once; a second run sends nothing again', async () => {
    const env = { HOOK_SECRET: WEBHOOK_SECRET };
    const dry = JSON.parse((await ok(['notify', '--dry-run', '--json'], day(4), env)).out) as { channels: { planned: number }[] };
    expect(dry.channels[0]!.planned).toBeGreaterThan(0);
    expect(hooks.deliveries).toHaveLength(0);
    const sent = JSON.parse((await ok(['notify', '--json'], day(4), env)).out) as { channels: { sent: number }[] };
    expect(sent.channels[0]!.sent).toBe(dry.channels[0]!.planned);
    expect(hooks.deliveries.filter((d) => d.status === 200)).toHaveLength(sent.channels[0]!.sent);
    expect(JSON.parse(await readFile(inRoot('content', 'notifications', 'ledger.json'), 'utf8'))).toBeTruthy();
    const again = await ok(['notify'], day(4), env);
    expect(again.out).toMatch(/0 sent/);
    expect(hooks.deliveries.filter((d) => d.status === 200)).toHaveLength(sent.channels[0]!.sent);
  });
});

describe('changing the canary, as installed', () => {
  /** Ada signs with candor (key file, or key and passphrase from variables), Bruno with gpg. */
  const signBoth = async (now: string, fromEnv = false) => {
    const ada = fromEnv
      ? ['--key-env', 'ADA_KEY', '--passphrase-env', 'ADA_PASS']
      : ['--key', path.join(secrets, 'ada.asc'), '--passphrase-file', path.join(secrets, 'passphrase')];
    await ok(['canary', 'attest', 'sign', ...ada], now, { ADA_KEY: await readFile(path.join(secrets, 'ada.asc'), 'utf8'), ADA_PASS: PASS });
    const sig = gpg.file('bruno-next.sig', '');
    await runOk(
      'gpg',
      [
        ...gpgAt(now),
        '--batch',
        '--yes',
        '--armor',
        '--textmode',
        '--detach-sign',
        '--local-user',
        fpr.bruno,
        '--output',
        sig,
        inRoot('content', 'canary', 'pending', 'attestation.txt'),
      ],
      { env: gpg.env },
    );
    await ok(['canary', 'attest', 'add-signature', sig], now);
    return ok(['canary', 'attest', 'publish'], now);
  };
  const verifyLatest = (sequence: number, now: string) =>
    cli(['verify', archive(`attestation-00000${sequence}.txt`), '--previous', archive(`attestation-00000${sequence - 1}.txt`), ...readerKeys(), '--json'], now);

  it("canary attest prepare --explain: a reworded statement with the signers' explanation is a note, not a trip", async () => {
    const file = inRoot('content', 'canary', 'statements.yml');
    const doc = parseDocument(await readFile(file, 'utf8'));
    const first = doc.getIn(['statements', 0, 'id']) as string;
    doc.setIn(['statements', 0, 'text'], `${String(doc.getIn(['statements', 0, 'text']))} This holds for every server we run.`);
    await writeFile(file, doc.toString());
    await ok(['canary', 'attest', 'prepare', '--explain', `${first}=We now say which servers it covers.`], day(5));
    await signBoth(day(5));
    const result = await verifyLatest(2, day(5, 1));
    expect(codes(result.out)).toContain('STATEMENT_CHANGE_EXPLAINED');
    expect(JSON.parse(result.out).verdict).not.toBe('tripped');
  });

  it('canary attest prepare --duress: verifiers say tripped (exit 1, DURESS)', async () => {
    await ok(['canary', 'attest', 'prepare', '--duress', 'We cannot say more.'], day(6));
    await signBoth(day(6), true);
    const result = await verifyLatest(3, day(6, 1));
    expect(result.code).toBe(1);
    expect(codes(result.out)).toContain('DURESS');
  });

  it('verify --state keeps a trip until --acknowledge, and records it again while the duress is still published', async () => {
    const monitor = path.join(tmp, 'monitor-state.json');
    const watch = (now: string, ...extra: string[]) =>
      cli(['verify', archive('attestation-000003.txt'), ...readerKeys(), '--state', monitor, '--json', ...extra], now);
    // The baseline: attestation 2 has no heartbeat of its own (stale), which a monitor remembers all the same.
    expect((await cli(['verify', archive('attestation-000002.txt'), ...readerKeys(), '--state', monitor], day(5, 2))).code).toBe(2);
    expect((await watch(day(6, 2))).code).toBe(1);
    const again = await watch(day(6, 3));
    expect(again.code).toBe(1);
    expect(codes(again.out)).toContain('STATE_TRIPPED');
    const acknowledged = await watch(day(6, 4), '--acknowledge');
    expect(codes(acknowledged.out)).toContain('TRIP_ACKNOWLEDGED');
    expect(acknowledged.code, 'the duress is still published: tripped again at once').toBe(1);
  });

  it('canary attest prepare --final: the signed end of the canary (exit 1, FINAL)', async () => {
    await ok(['canary', 'attest', 'prepare', '--final', 'We are closing the service.'], day(7));
    await signBoth(day(7));
    const result = await verifyLatest(4, day(7, 1));
    expect(result.code).toBe(1);
    expect(codes(result.out)).toContain('FINAL');
  });

  it('keys rotate: a new key for Ada, certified by the old one (key and passphrase from variables); check accepts it once announced', async () => {
    const next = await ok(
      ['keys', 'generate', '--name', 'Ada Moreau 2027', '--out', path.join(secrets, 'ada2.asc'), '--passphrase-file', path.join(secrets, 'passphrase')],
      day(8),
    );
    fpr.ada2 = generated(next.out);
    const newPublic = path.join(tmp, 'ada2.pub.asc');
    await cp(inRoot('keys', `${fpr.ada2}.asc`), newPublic);
    await ok(['keys', 'rotate', '--key-env', 'OLD_KEY', '--passphrase-env', 'OLD_PASS', '--new-key', newPublic, '--reason', 'Yearly rotation.'], day(8), {
      OLD_KEY: await readFile(path.join(secrets, 'ada.asc'), 'utf8'),
      OLD_PASS: PASS,
    });
    expect(existsSync(inRoot('keys', 'retired', `${fpr.ada}.asc`))).toBe(true);
    await editYaml(inRoot('content', 'canary', 'canary.yml'), (doc) => {
      doc.setIn(['signers', 'keys', 0], doc.createNode({ name: 'Ada Moreau', fingerprint: fpr.ada2 }));
      doc.setIn(['rotations'], [{ retired: fpr.ada, replacement: fpr.ada2, reason: 'Yearly rotation.' }]);
    });
    // The CI key is rotated the same way, from a key file and a passphrase file.
    const ci2 = await ok(['keys', 'generate', '--name', 'Lumen CI 2027', '--out', path.join(secrets, 'ci2.asc'), '--passphrase-env', 'CI_PASS'], day(8), {
      CI_PASS,
    });
    fpr.ci2 = generated(ci2.out);
    const ci2Public = path.join(tmp, 'ci2.pub.asc');
    await cp(inRoot('keys', `${fpr.ci2}.asc`), ci2Public);
    await ok(
      [
        'keys',
        'rotate',
        '--key',
        path.join(secrets, 'ci.asc'),
        '--passphrase-file',
        path.join(secrets, 'ci-passphrase'),
        '--new-key',
        ci2Public,
        '--reason',
        'New CI key.',
      ],
      day(8),
    );
    await editYaml(inRoot('content', 'canary', 'canary.yml'), (doc) => {
      doc.setIn(['heartbeat', 'keys'], [{ name: 'Lumen CI 2027', fingerprint: fpr.ci2 }]);
      doc.setIn(
        ['rotations'],
        [
          { retired: fpr.ada, replacement: fpr.ada2, reason: 'Yearly rotation.' },
          { retired: fpr.ci, replacement: fpr.ci2, reason: 'New CI key.' },
        ],
      );
    });
    expect(existsSync(inRoot('keys', 'retired', `${fpr.ci}.asc`))).toBe(true);
    const checked = await cli(['check', '--json'], day(8));
    expect((JSON.parse(checked.out) as { problems: { level: string; code: string }[] }).problems.filter((p) => p.level === 'error').map((p) => p.code)).toEqual(
      [],
    );
  });
});

/** `candor [cmd…] --help` of the shipped binary, parsed: every leaf command and its options. */
async function helpTree(prefix: string[] = []): Promise<Map<string, string[]>> {
  const help = (await candor([...prefix, '--help'])).out;
  const section = (name: string) =>
    (help.split(`\n${name}:\n`)[1] ?? '')
      .split('\n\n')[0]!
      .split('\n')
      .filter((l) => /^ {2}\S/.test(l));
  const options = section('Options')
    .flatMap((l) => /--[a-z][a-z-]*/.exec(l)?.[0] ?? [])
    .filter((o) => o !== '--help');
  const subs = section('Commands')
    .map((l) => l.trim().split(/\s+/)[0]!)
    .filter((c) => c !== 'help');
  if (subs.length === 0) return new Map([[prefix.join(' '), options]]);
  const tree = new Map<string, string[]>();
  if (prefix.length === 0) tree.set('', options);
  for (const sub of await Promise.all(subs.map((x) => helpTree([...prefix, x])))) for (const [k, v] of sub) tree.set(k, v);
  return tree;
}

/** Options whose situation another shipped-CLI test builds: [command, option, test file]. */
const COVERED_ELSEWHERE: [string, string, string][] = [
  // A single-layer canary (the CI key signs attestations alone).
  ['verify', '--automated', 'test/security/pins.test.ts'],
  // Time bounds beside the verdict need a proof and generated headers (a lowered floor).
  ['verify', '--minimum-bits', 'test/integration/cli-timestamp.test.ts'],
  // The log beside an archive, moved, missing and tampered with.
  ['verify', '--log', 'test/integration/cli-verify-archive-log.test.ts'],
];

/**
 * Commands run as installed in another file, with every option the file names: the
 * packed tarball's (test/shipped/package.test.ts), the init prompts, the workflows' steps
 * through the local runner (their run: lines), the golden errors. [command, files].
 */
const COMMANDS_ELSEWHERE: [string, string[]][] = [
  ['init', ['test/shipped/package.test.ts', 'test/integration/cli-init.test.ts', 'test/integration/cli-canary-log.test.ts']],
  ['build', ['test/shipped/package.test.ts']],
  ['preview', ['test/shipped/package.test.ts', 'test/golden/errors/cases.ts']],
  ['dev', ['test/shipped/package.test.ts']],
  ['sign-site', ['.github/workflows/publish.yml', 'test/site/signed-site.test.ts']],
  ['publish heartbeat', ['.github/workflows/publish.yml']],
  ['publish notify', ['.github/workflows/publish.yml']],
  ['watchdog', ['.github/workflows/watchdog.yml', 'docs/workflows.md']],
  ['pr review', ['.github/workflows/pr-check.yml', 'docs/workflows.md']],
  ['pr comment', ['.github/workflows/pr-comment.yml']],
  ['policy labels', ['test/site/policy-exports.test.ts']],
  // A watcher's weeks against local sites, through the shipped bin.
  ['watch accept', ['test/integration/cli-watch.test.ts']],
  ['watch init', ['test/integration/cli-watch-init.test.ts']],
  // OpenTimestamps against local calendars and a local esplora explorer.
  ['canary timestamp stamp', ['test/integration/cli-timestamp.test.ts']],
  ['canary timestamp upgrade', ['test/integration/cli-timestamp.test.ts']],
  ['canary timestamp verify', ['test/integration/cli-timestamp.test.ts']],
  // Three local witnesses, a growing and forking site, the witness repository's workflow.
  ['witness serve', ['test/helpers/witness-site.ts']],
  ['witness check', ['test/integration/cli-witness.test.ts']],
  ['witness keygen', ['test/integration/cli-witness.test.ts']],
  ['witness vkey', ['test/integration/cli-witness.test.ts']],
  ['witness init', ['test/integration/cli-witness-init.test.ts']],
  // The canary log (decision 0031) against a git origin, through the shipped bin.
  ['keys log', ['test/integration/cli-canary-log.test.ts']],
  ['canary log append', ['test/integration/cli-canary-log.test.ts']],
  ['canary log show', ['test/integration/cli-canary-log.test.ts']],
  // Witnesses asked after the push: one served, one offline.
  ['canary log cosign', ['test/integration/cli-canary-log-witnesses.test.ts']],
];

describe('completeness', () => {
  it('this file ran every command and every option that candor --help lists', async () => {
    const tree = await helpTree();
    const leaves = [...tree.keys()].filter(Boolean).sort((a, b) => b.length - a.length);
    const used = new Map<string, Set<string>>([...tree.keys()].map((k) => [k, new Set<string>()]));
    for (const args of ran) {
      const words = args.join(' ');
      const leaf = leaves.find((l) => words === l || words.startsWith(`${l} `)) ?? '';
      for (const a of args.filter((x) => x.startsWith('--'))) used.get(leaf)!.add(a.split('=')[0]!);
    }
    // --root and --now are on every call (cli() adds them), before the command or after it.
    for (const set of used.values()) set.add('--root').add('--now');
    // Run through the shipped CLI in another file, where the situation it needs is built.
    for (const [cmd, option, file] of COVERED_ELSEWHERE) {
      expect(await readFile(path.join(REPO, file), 'utf8'), `${file} runs ${cmd} ${option}`).toMatch(new RegExp(`candor|verifyCli[\\s\\S]*'${option}'`));
      used.get(cmd)!.add(option);
    }
    const elsewhere = new Set<string>();
    for (const [cmd, files] of COMMANDS_ELSEWHERE) {
      const text = (await Promise.all(files.map((f) => readFile(path.join(REPO, f), 'utf8')))).join('\n');
      expect(text, `${files.join(', ')} run candor ${cmd}`).toContain(cmd.split(' ').at(-1)!);
      for (const option of tree.get(cmd) ?? []) if (text.includes(option)) used.get(cmd)!.add(option);
      elsewhere.add(cmd);
    }
    const missing = [...tree].flatMap(([cmd, options]) => [
      ...(cmd && !elsewhere.has(cmd) && !ran.some((a) => a.join(' ').startsWith(cmd)) ? [`${cmd} (never run)`] : []),
      ...options.filter((o) => !used.get(cmd)!.has(o)).map((o) => `${cmd || 'candor'} ${o}`),
    ]);
    expect(leaves.length).toBeGreaterThan(15);
    expect(missing).toEqual([]);
  }, 180_000);
});
