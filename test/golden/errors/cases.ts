/** The bad inputs, one small declarative case each (harness.ts runs them). */
import { rm, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { COSIGNATURE_V1, formatSignerKey, formatVerifierKey, signerFromSeed } from '../../../src/core/tlog/note.ts';
import { tilePath } from '../../../src/core/tlog/tiles.ts';
import { checkLog, formatRecord } from '../../../src/core/witness/check.ts';
import type { FixtureRoute } from '../../helpers/fixture-server.ts';
import { testLog, type TestLog } from '../../helpers/witness-site.ts';
import type { CaseContext, ErrorCase } from './harness.ts';

const POLICY = 'content/policies/privacy/3.0.md';
const REPORT = 'content/transparency/2025-h1.md';
const CANARY = 'content/canary/canary.yml';
const SERVICE = 'content/service.yml';
const STATEMENTS = 'content/canary/statements.yml';
const check = () => ['check'];
/** A canary log's verifier key (the seed 32 × 0x05): only its public half appears here. */
const LOG_VKEY = 'lumen-mail.example/canary/log+7efb7355+AW56HN0psLeP0Tr0xVmP7/TvKpcWbjym8uT7/M2AUFvx';
const replace = (from: string | RegExp, to: string) => (t: string) => {
  const out = t.replace(from, to);
  if (out === t) throw new Error(`the mutation ${String(from)} changed nothing`);
  return out;
};

const content: ErrorCase[] = [
  { name: 'policy-version-unquoted', setup: (c) => c.edit(POLICY, replace('version: "3.0"', 'version: 3.0')), args: check },
  {
    name: 'policy-three-problems',
    setup: (c) =>
      c.edit(POLICY, (t) =>
        replace(
          'effective: 2027-01-15',
          'effective: 2026-13-45',
        )(replace('version: "3.0"', 'version: 1.0')(replace('- what: Account data', '- whatt: Account data')(t))),
      ),
    args: check,
  },
  { name: 'policy-misspelt-summary', absent: ['summary: missing'], setup: (c) => c.edit(POLICY, replace(/^summary:/m, 'sumary:')), args: check },
  { name: 'policy-missing-title', setup: (c) => c.edit(POLICY, replace(/^title: .*\n/m, '')), args: check },
  { name: 'policy-change-unknown', setup: (c) => c.edit(POLICY, replace('change: material', 'change: major')), args: check },
  { name: 'policy-date-in-words', setup: (c) => c.edit(POLICY, replace('published: 2026-11-20', 'published: 20 November 2026')), args: check },
  { name: 'policy-retention-forever', setup: (c) => c.edit(POLICY, replace(/period: "?[^"\n]+"?/, 'period: forever')), args: check },
  {
    name: 'policy-minor-adds-third-party',
    setup: (c) =>
      c.edit(POLICY, (t) =>
        replace(
          'published: 2026-11-20',
          'published: 2027-01-02',
        )(replace('change: material', 'change: minor')(replace('period: 10 years', 'period: 11 years')(t))),
      ),
    args: check,
  },
  { name: 'policy-cookie-without-name', setup: (c) => c.edit(POLICY, replace('    - name: lm_lang\n      setBy', '    - setBy')), args: check },
  { name: 'policy-country-not-a-code', setup: (c) => c.edit(POLICY, replace('country: Australia', 'country: XA')), args: check },
  {
    name: 'policy-purpose-unknown-item',
    setup: (c) => c.edit(POLICY, replace(/^facts:\n/m, 'facts:\n  purposes:\n    - purpose: To bill you\n      data: [Payment details]\n')),
    args: check,
  },
  { name: 'policy-no-front-matter', setup: (c) => c.edit(POLICY, (t) => t.replace(/^---\n/, '')), args: check },
  { name: 'policy-front-matter-unclosed', setup: (c) => c.write(POLICY, '---\ntitle: Privacy\nversion: "3.0"\n'), args: check },
  { name: 'policy-yaml-broken', setup: (c) => c.edit(POLICY, replace('change: material', 'change: material\n  bad indentation: [')), args: check },
  { name: 'policy-file-name-differs', setup: (c) => c.edit(POLICY, replace('version: "3.0"', 'version: "3.1"')), args: check },
  { name: 'policy-list-for-text', setup: (c) => c.edit(POLICY, replace(/^title: .*$/m, 'title:\n  - Privacy')), args: check },
  {
    name: 'report-impossible-date',
    absent: ['PERIOD_GAP', 'PERIOD_OVERLAP'],
    setup: (c) => c.edit(REPORT, replace('  start: 2025-01-01', '  start: 2025-02-30')),
    args: check,
  },
  { name: 'report-count-in-words', setup: (c) => c.edit(REPORT, replace('    received: 6', '    received: six')), args: check },
  { name: 'report-negative-count', setup: (c) => c.edit(REPORT, replace('    received: 6', '    received: -6')), args: check },
  {
    name: 'report-country-unknown',
    setup: (c) => c.edit(REPORT, replace('  - country: LU\n    requesterType: law-enforcement', '  - country: XX\n    requesterType: law-enforcement')),
    args: check,
  },
  {
    name: 'report-every-rule-reported',
    setup: (c) => c.edit(REPORT, (t) => replace('  end: 2025-06-30', '  end: 2025-06-29')(t.replaceAll('country: LU', 'country: XX'))),
    args: check,
  },
  { name: 'report-requester-unknown', setup: (c) => c.edit(REPORT, replace('requesterType: law-enforcement', 'requesterType: police')), args: check },
  { name: 'report-cadence-wrong', setup: (c) => c.edit(REPORT, replace('cadence: half-yearly', 'cadence: quarterly')), args: check },
  { name: 'service-url-not-a-url', setup: (c) => c.edit(SERVICE, replace('url: https://test-mail.example', 'url: test-mail.example')), args: check },
  { name: 'service-misspelt-name', setup: (c) => c.edit(SERVICE, replace('name:', 'nmae:')), args: check },
  { name: 'service-empty', setup: (c) => c.write(SERVICE, ''), args: check },
  // Issue 13: parts, base path and branding (docs/content.md#parts, #branding).
  {
    name: 'parts-canary-listed-missing',
    absent: ['KEY_NOT_FOUND', 'REPORT_SIGNATURES_NOT_CHECKED'],
    setup: async (c) => {
      await c.edit(SERVICE, (t) => `${t}parts: [policies, transparency, canary]\n`);
      await rm(path.join(c.root, CANARY));
    },
    args: check,
  },
  {
    name: 'parts-none',
    setup: async (c) => {
      for (const d of ['policies', 'transparency', 'canary']) await rm(path.join(c.root, 'content', d), { recursive: true, force: true });
    },
    args: check,
  },
  {
    name: 'branding-accent-contrast',
    setup: (c) => c.edit(SERVICE, (t) => `${t}branding:\n  colors: { accent: "#7799ff", background: "#333333" }\n`),
    args: check,
  },
  {
    name: 'branding-files-missing-or-unsafe',
    setup: async (c) => {
      await c.edit(
        SERVICE,
        (t) => `${t}branding:\n  logo: branding/logo.svg\n  stylesheet: branding/site.css\n  components: { footer: branding/Footer.astro }\n`,
      );
      await mkdir(path.join(c.root, 'content', 'branding'), { recursive: true });
      await c.write('content/branding/logo.svg', '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>\n');
      await c.write('content/branding/site.css', '@import url("https://fonts.example/x.css");\n');
    },
    args: check,
  },
  { name: 'base-not-root', warnsOnly: true, setup: (c) => c.edit(SERVICE, (t) => `${t}base: /candor-demo/\n`), args: check },
  { name: 'statements-duplicate-id', setup: (c) => c.edit(STATEMENTS, replace('id: GAG', 'id: WAR')), args: check },
  { name: 'statements-id-lower-case', setup: (c) => c.edit(STATEMENTS, replace('id: GAG', 'id: gag')), args: check },
  { name: 'statements-leading-dash', setup: (c) => c.edit(STATEMENTS, replace(/text: (.*)$/m, "text: '- $1'")), args: check },
  {
    name: 'canary-fingerprint-lower-case',
    absent: ['REPORT_SIGNATURE_INVALID'],
    setup: async (c) => c.edit(CANARY, (t) => t.replace(c.project.signers[0]!.ref.fingerprint, c.project.signers[0]!.ref.fingerprint.toLowerCase())),
    args: check,
  },
  { name: 'canary-threshold-above-signers', setup: (c) => c.edit(CANARY, replace('threshold: 2', 'threshold: 5')), args: check },
  { name: 'canary-threshold-quoted', setup: (c) => c.edit(CANARY, replace('threshold: 2', 'threshold: "two"')), args: check },
  { name: 'canary-misspelt-heartbeat', setup: (c) => c.edit(CANARY, replace('heartbeat:', 'heartbeats:')), args: check },
  { name: 'canary-explorer-kind', setup: (c) => c.edit(CANARY, replace('kind: esplora', 'kind: mempool')), args: check },
  { name: 'canary-log-key-malformed', setup: (c) => c.edit(CANARY, (t) => `${t}log:\n  key: lumen-mail.example/canary/log+abc\n`), args: check },
  {
    name: 'canary-log-key-missing',
    setup: (c) => c.edit(CANARY, (t) => `${t}log:\n  key: ${LOG_VKEY}\n`),
    args: () => ['canary', 'log', 'append'],
  },
];

const keys: ErrorCase[] = [
  {
    name: 'keys-private-key-in-keys',
    absent: ['REPORT_SIGNATURE_INVALID'],
    setup: async (c) => c.write('keys/ci-backup.asc', await (await import('node:fs/promises')).readFile(c.project.keyFile(c.project.ci), 'utf8')),
    args: check,
  },
  { name: 'keys-not-a-key', absent: ['REPORT_SIGNATURE_INVALID'], setup: (c) => c.write('keys/notes.asc', 'this is not a key\n'), args: check },
  { name: 'keys-signer-key-missing', setup: (c) => rm(path.join(c.root, 'keys', `${c.project.signers[2]!.ref.fingerprint}.asc`)), args: check },
  { name: 'keys-import-missing-file', args: () => ['keys', 'import', '/nonexistent/key.asc'] },
  { name: 'keys-import-private-key', args: (c) => ['keys', 'import', c.project.keyFile(c.project.signers[0]!)] },
];

const prepared = async (c: Parameters<NonNullable<ErrorCase['setup']>>[0]) => {
  const { candor } = await import('../../helpers/candor-bin.ts');
  const r = await candor(['--root', c.root, '--now', '2026-12-01T00:00:00Z', 'canary', 'attest', 'prepare'], { cwd: c.root });
  if (r.code !== 0) throw new Error(r.err);
};

const flags: ErrorCase[] = [
  { name: 'flag-key-file-missing', setup: prepared, args: () => ['canary', 'attest', 'sign', '--key', '/nonexistent.asc'] },
  { name: 'flag-key-is-a-directory', setup: prepared, args: (c) => ['canary', 'attest', 'sign', '--key', c.secrets] },
  {
    name: 'flag-passphrase-file-missing',
    setup: prepared,
    args: (c) => ['canary', 'attest', 'sign', '--key', c.project.keyFile(c.project.signers[0]!), '--passphrase-file', '/nonexistent'],
  },
  {
    name: 'flag-passphrase-wrong',
    setup: prepared,
    env: { CANDOR_PASSPHRASE: 'wrong' },
    args: (c) => ['canary', 'attest', 'sign', '--key', c.project.keyFile(c.project.signers[0]!)],
  },
  { name: 'flag-lifetime-days-abc', args: () => ['canary', 'attest', 'prepare', '--lifetime-days', 'abc'] },
  { name: 'flag-lifetime-days-1000', args: () => ['canary', 'attest', 'prepare', '--lifetime-days', '1000'] },
  { name: 'flag-now-not-a-date', now: 'yesterday', args: check },
  { name: 'flag-unknown-option', args: () => ['check', '--sincee', 'HEAD'] },
  { name: 'flag-unknown-command', args: () => ['polcy', 'list'] },
  { name: 'flag-missing-argument', args: () => ['policy', 'diff'] },
  { name: 'flag-option-value-missing', args: () => ['verify', 'canary.txt', '--skew'] },
  { name: 'verify-nothing-named', args: () => ['verify'] },
  { name: 'flag-sign-nothing-prepared', args: (c) => ['canary', 'attest', 'sign', '--key', c.project.keyFile(c.project.signers[0]!)] },
  {
    name: 'clock-before-key-creation',
    now: '2022-06-01T00:00:00Z',
    setup: async (c) => {
      const { candor } = await import('../../helpers/candor-bin.ts');
      await candor(['--root', c.root, '--now', '2022-06-01T00:00:00Z', 'canary', 'attest', 'prepare'], { cwd: c.root });
    },
    args: (c) => ['canary', 'attest', 'sign', '--key', c.project.keyFile(c.project.signers[0]!)],
  },
  {
    name: 'add-signature-unknown-signer',
    setup: async (c) => {
      await prepared(c);
      const { readFile } = await import('node:fs/promises');
      const openpgp = await import('openpgp');
      const text = await readFile(path.join(c.root, 'content/canary/pending/attestation.txt'), 'utf8');
      const signature = await openpgp.sign({
        message: await openpgp.createMessage({ text }),
        signingKeys: c.outsider.privateKey,
        detached: true,
        date: new Date('2026-12-01T00:00:00Z'),
      });
      await c.write('outsider.sig', signature);
    },
    args: (c) => ['canary', 'attest', 'add-signature', path.join(c.root, 'outsider.sig')],
  },
  {
    name: 'add-signature-garbage',
    setup: async (c) => {
      await prepared(c);
      await c.write('garbage.sig', '-----BEGIN PGP SIGNATURE-----\n\nnot base64 at all\n-----END PGP SIGNATURE-----\n');
    },
    args: (c) => ['canary', 'attest', 'add-signature', path.join(c.root, 'garbage.sig')],
  },
  { name: 'add-signature-missing-file', setup: prepared, args: () => ['canary', 'attest', 'add-signature', '/nonexistent.sig'] },
];

const state: ErrorCase[] = [
  {
    name: 'state-is-a-directory',
    setup: (c) => mkdir(path.join(c.root, 'state.json')),
    args: (c) => ['verify', path.join(c.root, 'nothing-here'), '--state', path.join(c.root, 'state.json')],
  },
  {
    name: 'state-corrupt-json',
    setup: (c) => c.write('state.json', '{"version": 1, '),
    args: (c) => ['verify', path.join(c.root, 'nothing-here'), '--state', path.join(c.root, 'state.json')],
  },
  { name: 'verify-file-missing', args: () => ['verify', '/nonexistent/canary.txt'] },
];

const network: ErrorCase[] = [
  { name: 'verify-connection-refused', args: () => ['verify', 'http://127.0.0.1:1/'] },
  {
    name: 'verify-connection-refused-closed-port',
    setup: async (c) => {
      const net = await import('node:net');
      const server = net.createServer().listen(0, '127.0.0.1');
      await new Promise((resolve) => server.once('listening', resolve));
      c.vars['port'] = String((server.address() as { port: number }).port);
      await new Promise((resolve) => server.close(resolve));
    },
    args: (c) => ['verify', `http://127.0.0.1:${c.vars['port']}/`],
  },
  { name: 'verify-dns-unknown-host', args: () => ['verify', 'https://candor-test.invalid/'] },
  { name: 'verify-http-404', server: {}, args: (c) => ['verify', `${c.url}/`] },
  {
    name: 'verify-http-500',
    server: { '/canary.txt': { status: 500, body: 'oops' }, '/.well-known/canary.txt': { status: 500, body: 'oops' } },
    args: (c) => ['verify', `${c.url}/`],
  },
  { name: 'verify-tls-to-plain-http', server: {}, args: (c) => ['verify', `${c.url.replace('http:', 'https:')}/`] },
];

const more: ErrorCase[] = [
  {
    name: 'notify-config-misspelt-port',
    setup: (c) => c.write('content/notify.yml', 'email:\n  host: smtp.example.org\n  prot: 587\n  from: canary@example.org\n  to: [readers@example.org]\n'),
    args: () => ['notify', '--dry-run'],
  },
  {
    name: 'notify-config-operators-without-email',
    setup: (c) => c.write('content/notify.yml', 'operators:\n  to: [ops@example.org]\n'),
    args: () => ['notify', '--dry-run'],
  },
  {
    name: 'notify-ledger-corrupt',
    setup: async (c) => {
      await mkdir(path.join(c.root, 'content', 'notifications'), { recursive: true });
      await c.write('content/notify.yml', 'webhooks:\n  - url: http://127.0.0.1:1/hook\n    secretEnv: HOOK_SECRET\n');
      await c.write('content/notifications/ledger.json', '{"version": 1, "entries": [');
    },
    args: () => ['notify', '--dry-run'],
  },
  {
    name: 'notify-ledger-wrong-shape',
    setup: async (c) => {
      await mkdir(path.join(c.root, 'content', 'notifications'), { recursive: true });
      await c.write('content/notify.yml', 'webhooks:\n  - url: http://127.0.0.1:1/hook\n    secretEnv: HOOK_SECRET\n');
      await c.write(
        'content/notifications/ledger.json',
        '{"version": 1, "entries": [{"event": "x", "channel": "email", "status": "done", "at": "2026-01-01", "attempts": 1}]}',
      );
    },
    args: () => ['notify', '--dry-run'],
  },
  { name: 'policy-diff-unknown-policy', args: () => ['policy', 'diff', 'privacyy'] },
  { name: 'policy-diff-unknown-version', args: () => ['policy', 'diff', 'privacy', '1.0', '9.9'] },
  { name: 'report-show-unknown-period', args: () => ['report', 'show', '2031-h1'] },
  {
    name: 'report-sign-broken-report',
    setup: (c) => c.edit(REPORT, replace('    received: 6', '    received: six')),
    args: (c) => ['report', 'sign', '2025-h1', '--key', c.project.keyFile(c.project.signers[0]!)],
  },
  { name: 'policy-new-bad-version', args: () => ['policy', 'new', 'privacy', '--version', '../../../escape'] },
  { name: 'policy-new-older-version', args: () => ['policy', 'new', 'privacy', '--version', '2.5'] },
  { name: 'verify-archive-missing', args: () => ['verify', '--archive', '/nonexistent/archive'] },
  { name: 'verify-archive-empty', setup: (c) => mkdir(path.join(c.root, 'empty')), args: (c) => ['verify', '--archive', path.join(c.root, 'empty')] },
  { name: 'verify-skew-not-a-number', args: (c) => ['verify', path.join(c.root, 'content/service.yml'), '--skew', 'abc'] },
  { name: 'check-since-unknown-ref', args: () => ['check', '--since', 'no-such-branch'] },
];

/** A published attestation (Ada and Bruno) and a heartbeat, both issued at NOW (freshness not required). */
async function publishedCanary(c: Parameters<NonNullable<ErrorCase['setup']>>[0]): Promise<void> {
  const { candor } = await import('../../helpers/candor-bin.ts');
  await c.edit(CANARY, replace('required: true', 'required: false'));
  const run = async (...args: string[]) => {
    const r = await candor(['--root', c.root, '--now', '2026-12-01T00:00:00Z', ...args], {
      cwd: c.root,
      env: { CANDOR_PASSPHRASE: 'correct horse battery staple' },
    });
    if (r.code !== 0) throw new Error(`${args.join(' ')}: ${r.err}`);
  };
  await run('canary', 'attest', 'prepare');
  await run('canary', 'attest', 'sign', '--key', c.project.keyFile(c.project.signers[0]!));
  await run('canary', 'attest', 'sign', '--key', c.project.keyFile(c.project.signers[1]!));
  await run('canary', 'attest', 'publish');
  await run('canary', 'heartbeat', '--no-freshness', '--key', c.project.keyFile(c.project.ci));
}

const currency: ErrorCase[] = [
  {
    name: 'check-attestation-outdated',
    warnsOnly: true,
    setup: async (c) => {
      await publishedCanary(c);
      await c.edit(SERVICE, (t) => `${t}description: A mail service run by a small team.\n`);
    },
    args: check,
    now: '2026-12-01T06:00:00Z',
  },
  { name: 'check-heartbeat-expired', warnsOnly: true, setup: publishedCanary, args: check, now: '2026-12-05T00:00:00Z' },
  { name: 'check-attestation-expired', warnsOnly: true, setup: publishedCanary, args: check, now: '2027-03-01T00:00:00Z' },
];

/** The site and init commands (issue 13): a wrong flag is refused with a code, never ignored. */
const site: ErrorCase[] = [
  { name: 'build-unknown-option', args: () => ['build', '--outt', 'site'] },
  { name: 'build-root-missing', args: (c) => ['build', '--root', path.join(c.root, 'no-such-folder')] },
  { name: 'dev-root-without-content', setup: (c) => mkdir(path.join(c.root, 'empty')), args: (c) => ['dev', '--root', path.join(c.root, 'empty')] },
  { name: 'preview-not-built', args: () => ['preview'] },
  { name: 'preview-port-not-a-number', args: () => ['preview', '--port', 'http'] },
  { name: 'unknown-command', args: () => ['biuld'] },
  { name: 'init-folder-not-empty', args: (c) => ['init', path.join(c.root, 'content')] },
  { name: 'init-canary-without-keys', args: (c) => ['init', path.join(c.root, 'new-site'), '--yes', '--parts', 'policies,canary'] },
  { name: 'init-add-part-present', args: () => ['init', '--add', 'reports'] },
];

/** candor watch (issue 16): its list, its state, its sites. */
const WATCH_ARGS = ['watch', '--list', 'watch.yml', '--state', 'watch-state'];
const watch: ErrorCase[] = [
  {
    name: 'watch-list-problems',
    setup: (c) =>
      c.write(
        'watch.yml',
        'sites:\n  - { name: lumen, url: "https://lumen.example/", kind: candor, pins: [abc] }\n  - { name: lumen, url: "https://other.example/c.txt", kind: signed-text, tofu: true }\nchekcs: {}\n',
      ),
    args: () => WATCH_ARGS,
  },
  {
    name: 'watch-state-unreadable',
    setup: async (c) => {
      await c.write('watch.yml', 'sites:\n  - { name: lumen, url: "https://lumen.example/", kind: candor, tofu: true }\n');
      await mkdir(path.join(c.root, 'watch-state', 'sites'), { recursive: true });
      await c.write('watch-state/sites/lumen.json', '{"version": 1');
    },
    args: () => WATCH_ARGS,
  },
  {
    name: 'watch-state-locked',
    setup: async (c) => {
      await c.write('watch.yml', 'sites:\n  - { name: lumen, url: "https://lumen.example/", kind: candor, tofu: true }\n');
      // Another machine's run, fresh: not this machine's to judge dead.
      await mkdir(path.join(c.root, 'watch-state'), { recursive: true });
      await c.write(
        'watch-state/.lock',
        JSON.stringify({ pid: 4242, host: 'watcher-2.example', at: '2026-12-01T06:17:03.000Z', token: 't', command: 'candor watch' }),
      );
    },
    args: () => WATCH_ARGS,
  },
  {
    name: 'watch-accept-unknown-site',
    setup: (c) => c.write('watch.yml', 'sites:\n  - { name: lumen, url: "https://lumen.example/", kind: candor, tofu: true }\n'),
    args: () => ['watch', 'accept', 'lumne', '--list', 'watch.yml'],
  },
];

/** candor witness (issue 15): its list, its key, and the logs it refuses. */
const WITNESS_ORIGIN = 'lumen-mail.example/canary/log';
const witnessKey = formatSignerKey(signerFromSeed('witness.example/w1', new Uint8Array(32).fill(31), COSIGNATURE_V1));
const witnessList = `logs:\n  - origin: ${WITNESS_ORIGIN}\n    key: "${formatVerifierKey(testLog(WITNESS_ORIGIN, 0).key)}"\n`;
/** The site's log files as fixture routes under /canary/log/. */
const logRoutes = (log: TestLog): Record<string, FixtureRoute> =>
  Object.fromEntries([...log.files()].map(([file, body]) => [`/canary/log/${file}`, { body, contentType: 'application/octet-stream' }]));
/** A witness that cosigned the honest log at `size` (its record written as `witness check` writes it). */
async function cosignedAt(c: CaseContext, size: number): Promise<void> {
  const log = testLog(WITNESS_ORIGIN, size);
  const signer = signerFromSeed('witness.example/w1', new Uint8Array(32).fill(31), COSIGNATURE_V1);
  const r = checkLog({
    log: { origin: WITNESS_ORIGIN, key: log.key },
    url: 'setup',
    signed: log.checkpoint(),
    record: null,
    tiles: (t) => new Uint8Array(log.files().get(tilePath(t))!),
    witness: signer,
    now: 1_796_000_000,
  });
  await mkdir(path.join(c.root, 'ws', 'logs'), { recursive: true });
  await c.write('ws/witness.yml', witnessList);
  await c.write(`ws/logs/${encodeURIComponent(WITNESS_ORIGIN)}.json`, formatRecord(r.record));
}
const WITNESS_CHECK = (c: CaseContext) => ['witness', 'check', `${c.url}/`, '--state', 'ws', '--out', 'out'];
const witness: ErrorCase[] = [
  {
    name: 'witness-list-problems',
    setup: async (c) => {
      await mkdir(path.join(c.root, 'ws'));
      await c.write(
        'ws/witness.yml',
        `logs:\n  - { origin: "${WITNESS_ORIGIN}", key: "not a key" }\n  - { origin: "../etc", key: "${formatVerifierKey(testLog(WITNESS_ORIGIN, 0).key)}" }\n`,
      );
    },
    args: () => ['witness', 'check', 'https://lumen-mail.example/', '--state', 'ws'],
    env: { CANDOR_WITNESS_KEY: witnessKey },
  },
  { name: 'witness-key-missing', args: () => ['witness', 'serve', '--state', 'ws'] },
  {
    name: 'witness-check-fork',
    server: logRoutes(testLog(WITNESS_ORIGIN, 9, { rewrite: { at: 2, text: 'a different entry 2\n' } })),
    setup: (c) => cosignedAt(c, 5),
    args: WITNESS_CHECK,
    env: { CANDOR_WITNESS_KEY: witnessKey },
  },
  {
    name: 'witness-check-rollback',
    server: logRoutes(testLog(WITNESS_ORIGIN, 3)),
    setup: (c) => cosignedAt(c, 5),
    args: WITNESS_CHECK,
    env: { CANDOR_WITNESS_KEY: witnessKey },
  },
];

export const CASES: ErrorCase[] = [...content, ...keys, ...flags, ...state, ...network, ...more, ...currency, ...site, ...watch, ...witness];
