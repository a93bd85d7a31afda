/** candor check: every content rule, all problems at once, non-zero exit on any error. */
import path from 'node:path';
import type { Command } from 'commander';
import { checkPolicies } from '../../core/policy/rules.ts';
import { historyProblems } from '../../core/policy/history.ts';
import type { Problem as PolicyProblem } from '../../core/policy/problems.ts';
import { filesAtRef } from '../../io/git.ts';
import { readPolicies } from '../../io/read-policies.ts';
import { readReports, reportsDir } from '../../io/read-reports.ts';
import { checkReports, firstReportProblems, reportHistoryProblems } from '../../core/report/checks.ts';
import { reportToJson } from '../../core/report/export.ts';
import { verifyReportJson } from '../../core/report/signature.ts';
import type * as openpgp from 'openpgp';
import { allProblems, isCandorError } from '../../core/errors.ts';
import { describeKey, fingerprintOf } from '../../core/pgp/keys.ts';
import { isCertifiedBy } from '../../core/pgp/rotation.ts';
import { REASONS } from '../../core/verify/reasons.ts';
import { latestAttestation, latestHeartbeat, listArchive } from '../../io/archive.ts';
import { documentsToAttest } from '../../io/attested-documents.ts';
import { verifyArchiveDir } from '../../io/archive-verify.ts';
import { logCheck } from '../../io/canary-log.ts';
import { readKeyFolder, type KeyFile } from '../../io/keyring.ts';
import { MAX_SCANNED_BYTES, publishableFiles, scanForSecrets } from '../../io/secret-files.ts';
import { hashDocuments, readCanaryContent, type CanaryContent } from '../../io/read-content.ts';
import { contentTree, readServiceConfig, readSiteOptions, type SiteOptions } from '../../io/site-options.ts';
import type { Part } from '../../core/content/site-options.ts';
import { DOCS } from '../../core/docs-links.ts';
import type { Context } from '../context.ts';
import { EXIT } from '../exit-codes.ts';

export interface Problem {
  level: 'error' | 'warning' | 'note';
  code: string;
  message: string;
}

const DAY = 86_400_000;

async function attempt<T>(problems: Problem[], step: () => Promise<T>): Promise<T | undefined> {
  try {
    return await step();
  } catch (error) {
    if (!isCandorError(error)) throw error;
    for (const e of allProblems(error)) problems.push({ level: 'error', code: e.code, message: `${e.message}${e.hint ? `\n  hint: ${e.hint}` : ''}` });
    return undefined;
  }
}

async function keyProblems(content: CanaryContent, files: KeyFile[], ctx: Context): Promise<Problem[]> {
  const problems: Problem[] = [];
  const active = new Map<string, openpgp.Key>();
  const retired = new Map<string, openpgp.Key>();
  for (const f of files) for (const k of f.keys) (f.retired ? retired : active).set(fingerprintOf(k), k);
  const { config } = content;
  const named = [
    ...config.signers.keys.map((k) => ['signers', k] as const),
    ...config.heartbeat.keys.map((k) => ['heartbeat', k] as const),
    ...config.panicKeys.map((k) => ['panicKeys', k] as const),
  ];
  for (const [role, ref] of named) {
    const key = active.get(ref.fingerprint);
    if (!key) {
      problems.push({
        level: 'error',
        code: 'KEY_NOT_FOUND',
        message: `content/canary/canary.yml: ${role}: ${ref.name} (${ref.fingerprint}) has no public key in keys/\n  hint: candor keys import THEIR-PUBLIC-KEY.asc`,
      });
      continue;
    }
    const info = await describeKey(key);
    const left = info.expires ? (info.expires.getTime() - ctx.now.getTime()) / DAY : Infinity;
    if (info.revoked)
      problems.push({
        level: 'error',
        code: 'KEY_REVOKED',
        message: `keys/${ref.fingerprint}.asc: ${role} key ${ref.name} is revoked\n  hint: rotate it (candor keys rotate) and update canary.yml`,
      });
    else if (left <= 0)
      problems.push({
        level: 'error',
        code: 'KEY_EXPIRED',
        message: `keys/${ref.fingerprint}.asc: ${role} key ${ref.name} expired ${info.expires!.toISOString()}`,
      });
    else if (left <= config.cadence.warnDays)
      problems.push({
        level: 'warning',
        code: 'KEY_EXPIRES_SOON',
        message: `keys/${ref.fingerprint}.asc: ${role} key ${ref.name} expires in ${Math.floor(left)} days (${info.expires!.toISOString()})`,
      });
  }
  for (const [i, r] of config.rotations.entries()) {
    const replacement = active.get(r.replacement);
    const old = retired.get(r.retired) ?? active.get(r.retired);
    if (!replacement || !old || !(await isCertifiedBy(replacement, old, ctx))) {
      problems.push({
        level: 'error',
        code: 'ROTATION_INVALID',
        message: `content/canary/canary.yml: rotations[${i}]: ${r.replacement} must be in keys/ and certified by ${r.retired} (in keys/retired/)\n  hint: candor keys rotate --key OLD-PRIVATE.asc --new-key NEW-PUBLIC.asc`,
      });
    }
  }
  return problems;
}

async function archiveProblems(ctx: Context, files: KeyFile[]): Promise<Problem[]> {
  if ((await listArchive(ctx.project.archive, 'attestation')).length === 0) return [];
  // The project's own keys: every one is pinned, and one that canary.yml makes a signer and a heartbeat key is accepted as such (single-layer).
  const fingerprints = files.flatMap((f) => f.keys.map(fingerprintOf));
  const result = await verifyArchiveDir(ctx.project.archive, {
    keys: fingerprints,
    keyring: files.map((f) => `${ctx.project.root}/${f.file}`),
    automated: fingerprints,
    clock: { now: ctx.now, skewSeconds: 300 },
  });
  // A signal (duress, final) is the signers' own, made on purpose: said as a warning, not refused.
  const level = (code: keyof typeof REASONS) => (REASONS[code] === 'warning' || REASONS[code] === 'tripped' ? ('warning' as const) : ('error' as const));
  return result.reasons
    .filter((r) => REASONS[r.code] !== 'note')
    .map((r) => ({ level: level(r.code), code: r.code, message: `content/canary/archive: ${r.message}` }));
}

/**
 * What a new attestation or heartbeat would fix, said before a reader finds it: the latest
 * attestation no longer signs every policy version and report in force (after a new
 * version or report), or it or the latest heartbeat has expired.
 */
async function currencyProblems(ctx: Context, content: CanaryContent): Promise<Problem[]> {
  const [att, hb] = await Promise.all([latestAttestation(ctx.project), latestHeartbeat(ctx.project)]);
  if (!att) return [];
  const problems: Problem[] = [];
  const renew = 'sign a new attestation: candor canary attest prepare, sign, publish (README.md#adopting-candor-for-your-service)';
  const signed = new Set(att.data.documents.map((d) => `${d.path} ${d.sha256}`));
  const unsigned = (await documentsToAttest(ctx.project, content, ctx.now)).filter((d) => !signed.has(`${d.path} ${d.sha256}`)).map((d) => d.path);
  if (unsigned.length > 0)
    problems.push({
      level: 'warning',
      code: 'ATTESTATION_OUTDATED',
      message: `${att.file}: attestation ${att.data.sequence} does not sign ${unsigned.join(', ')} (new or changed since it was issued)\n  hint: ${renew}`,
    });
  if (Date.parse(att.data.expires) <= ctx.now.getTime())
    problems.push({
      level: 'warning',
      code: 'ATTESTATION_EXPIRED',
      message: `${att.file}: attestation ${att.data.sequence} expired ${att.data.expires}: readers see the canary as stale\n  hint: ${renew}`,
    });
  else if (hb && hb.data.attestation.hash === att.hash && Date.parse(hb.data.expires) <= ctx.now.getTime())
    problems.push({
      level: 'warning',
      code: 'HEARTBEAT_EXPIRED',
      message: `${hb.file}: heartbeat ${hb.data.sequence} expired ${hb.data.expires}: readers see the canary as stale\n  hint: the publish workflow issues one every day; see why it stopped (docs/workflows.md#publishyml-heartbeat-build-deploy-notify), or run candor canary heartbeat`,
    });
  return problems;
}

function fromPolicyProblem(p: PolicyProblem): Problem {
  return { level: p.level, code: p.code, message: `${p.file}${p.field ? `: ${p.field}` : ''}: ${p.message}${p.hint ? `\n  hint: ${p.hint}` : ''}` };
}

/** Policy rules, and (with a git base) that published versions were not rewritten. */
async function policyProblems(ctx: Context, since: string | undefined, noticePeriodDays: number): Promise<Problem[]> {
  const set = await readPolicies(ctx.project);
  const published = await filesAtRef(
    ctx.project.root,
    since ?? 'HEAD',
    path.relative(ctx.project.root, path.join(ctx.project.content, 'policies')),
    path.relative(ctx.project.root, ctx.project.content) + '/',
  );
  const history = published ? new Set([...published.keys()]) : undefined;
  const all = [...set.problems, ...checkPolicies(set.policies, { now: ctx.now, noticePeriodDays, ...(history ? { published: history } : {}) })];
  if (published) all.push(...historyProblems([...set.policies.values()].flat(), published));
  else if (since)
    all.push({
      level: 'error',
      code: 'GIT_REF_MISSING',
      file: since,
      message: 'cannot read this git ref',
      hint: 'Fetch it first (e.g. git fetch origin main) or pass another --since.',
    });
  return all.map(fromPolicyProblem);
}

/** Report rules, numbers changed since publication, and each report's signature. */
/**
 * Which keys may sign a report: the canary's signer and heartbeat keys (and retired ones
 * named in its rotations); without a canary, every key in keys/ (and keys/retired/).
 * Undefined while canary.yml does not read (its cause is reported already).
 */
type ReportSigners = { allowed: Set<string> | 'all'; retired: Set<string> | 'all' } | undefined;

function reportSigners(content: CanaryContent | undefined, hasCanary: boolean): ReportSigners {
  if (!hasCanary) return { allowed: 'all', retired: 'all' };
  if (!content) return undefined;
  const config = content.config;
  return {
    allowed: new Set([...config.signers.keys, ...config.heartbeat.keys].map((k) => k.fingerprint)),
    retired: new Set(config.rotations.map((r) => r.retired)),
  };
}

async function reportProblems(
  ctx: Context,
  since: string | undefined,
  files: KeyFile[] | undefined,
  signers: ReportSigners,
  firstReportDue: string | undefined,
): Promise<Problem[]> {
  const set = await readReports(ctx.project);
  const unreadable = [...new Set(set.problems.filter((p) => p.level === 'error').map((p) => p.file))];
  const all = [...set.problems, ...checkReports(set.reports, { now: ctx.now, unreadable })];
  // A new service has chosen to publish reports and has none yet: the page says so, and when the first is due.
  if (set.reports.length === 0 && set.problems.length === 0) all.push(...firstReportProblems(firstReportDue, ctx.now));
  const published = await filesAtRef(
    ctx.project.root,
    since ?? 'HEAD',
    path.relative(ctx.project.root, reportsDir(ctx.project)),
    path.relative(ctx.project.root, ctx.project.content) + '/',
  );
  if (published) all.push(...reportHistoryProblems(set.reports, published));
  // A report signed before a recorded rotation stays signed: the retired key counts too
  // (keys/retired/, named in canary.yml rotations), so a rotation does not force re-signing history.
  // Without canary.yml's keys or a readable keys/ every signature would seem wrong: the
  // cause is already reported, so the signatures wait for it (one note, no cascade).
  if (!signers || !files) {
    if (set.reports.length > 0)
      all.push({
        level: 'note',
        code: 'REPORT_SIGNATURES_NOT_CHECKED',
        file: 'content/transparency',
        message: `report signatures not checked until ${!signers ? 'the canary configuration (content/service.yml, content/canary/)' : 'keys/'} reads without errors (see above)`,
      });
    return all.map(fromPolicyProblem);
  }
  const may = (set: Set<string> | 'all', fpr: string) => set === 'all' || set.has(fpr);
  const keys = files.flatMap((f) => f.keys.filter((k) => may(f.retired ? signers.retired : signers.allowed, fingerprintOf(k))));
  for (const report of set.reports) {
    const signature = set.signatures.get(report.id);
    const file = `content/transparency/${report.id}.json.asc`;
    if (!signature) {
      all.push({
        level: 'warning',
        code: 'REPORT_UNSIGNED',
        file,
        message: `report ${report.id} has no signature`,
        hint: `candor report sign ${report.id} --key KEY.asc`,
      });
      continue;
    }
    const result = await verifyReportJson(reportToJson(report), signature, keys, { now: ctx.now });
    if (!result.ok)
      all.push({
        level: 'error',
        code: 'REPORT_SIGNATURE_INVALID',
        file,
        message: `does not verify over the report's current JSON with ${signers.allowed === 'all' ? 'a key in keys/' : 'a signer or heartbeat key'}: ${result.reason}`,
        hint: `If the report was corrected, sign it again: candor report sign ${report.id}`,
      });
  }
  return all.map(fromPolicyProblem);
}

const SECRET_NAMES = {
  'openpgp-armored': 'an armored OpenPGP private key',
  'openpgp-binary': 'a binary OpenPGP secret key',
  pem: 'a PEM private key',
  openssh: 'an OpenSSH private key',
  'signed-note': 'a signed-note signer key (a transparency log or witness key)',
} as const;

/**
 * Private key material in any file git would publish (the repository is public). A file
 * keys/ already refused is not reported twice.
 */
async function secretProblems(ctx: Context, reported: Problem[]): Promise<Problem[]> {
  const findings = await scanForSecrets(ctx.project.root, await publishableFiles(ctx.project.root));
  const already = (file: string) => reported.some((p) => p.code === 'PRIVATE_KEY_IN_REPO' && p.message.startsWith(`${file}:`));
  return findings
    .filter((f) => !already(f.file))
    .map((f): Problem =>
      f.kind === 'too-large'
        ? {
            level: 'warning',
            code: 'FILE_NOT_SCANNED',
            message: `${f.file}: larger than ${MAX_SCANNED_BYTES / 1024 / 1024} MB, not scanned for private keys\n  hint: keep large files out of the repository, or check them yourself`,
          }
        : {
            level: 'error',
            code: 'PRIVATE_KEY_IN_REPO',
            message: `${f.file}: ${SECRET_NAMES[f.kind]} in a file that would be published\n  hint: remove it from the repository AND from git history, and treat the key as compromised: revoke it and rotate (candor keys rotate; docs/content.md, "keys/")`,
          },
    );
}

/** The parts and branding of service.yml: an unlisted part's content, and a base the well-known files cannot live under. */
function siteProblems(site: SiteOptions): Problem[] {
  const problems: Problem[] = site.warnings.map((w) => ({
    level: 'warning',
    code: w.code,
    message: `content/service.yml: parts: ${w.message}\n  hint: add ${w.part} to parts to publish it (${DOCS.parts})`,
  }));
  if (site.base !== '/')
    problems.push({
      level: 'warning',
      code: 'BASE_NOT_ROOT',
      message: `content/service.yml: base: the site is served under ${site.base}, but security.txt and the Web Key Directory are looked up at the host's root (/.well-known/)\n  hint: copy ${site.base}.well-known/ to the root of ${new URL(site.address).host}, or serve them from there (${DOCS.base})`,
    });
  return problems;
}

export async function check(ctx: Context, opts: { since?: string } = {}): Promise<Problem[]> {
  const problems: Problem[] = [];
  // service.yml once: its errors are not reported again by the site options or the canary.
  const service = await attempt(problems, () => readServiceConfig(ctx.project));
  const site = service ? await attempt(problems, () => readSiteOptions(ctx.project)) : undefined;
  if (site) problems.push(...siteProblems(site));
  const tree = await contentTree(ctx.project);
  const has = (part: Part) => (site ? site.parts.has(part) : (service?.parts?.includes(part) ?? true) && tree[part]);
  const content = service && has('canary') ? await attempt(problems, () => readCanaryContent(ctx.project)) : undefined;
  const files = await attempt(problems, () => readKeyFolder(ctx.project.keys, ctx.project.root));
  if (content) await attempt(problems, () => hashDocuments(ctx.project, content.config.documents));
  if (content && files) problems.push(...(await keyProblems(content, files, ctx)));
  if (files && has('canary')) problems.push(...(await archiveProblems(ctx, files)));
  if (content?.config.log) {
    const log = await attempt(problems, () => logCheck(ctx.project, content.service.url, content.config.log));
    if (log && log.pending.length > 0)
      problems.push({
        level: 'note',
        code: 'LOG_PENDING',
        message: `content/canary/log: ${log.pending.length} archived document(s) not in the log yet (${log.pending.slice(0, 3).join(', ')}${log.pending.length > 3 ? ', …' : ''}); the next publish run appends them`,
      });
  }
  if (content)
    await attempt(problems, async () => {
      problems.push(...(await currencyProblems(ctx, content)));
    });
  if (has('policies')) problems.push(...(await policyProblems(ctx, opts.since, service?.policies.noticePeriodDays ?? 30)));
  if (has('transparency'))
    problems.push(...(await reportProblems(ctx, opts.since, files, reportSigners(content, has('canary')), service?.transparency?.firstReportDue)));
  problems.push(...(await secretProblems(ctx, problems)));
  return problems;
}

export function checkCommand(program: Command, ctx: () => Context, done: (code: number) => void): void {
  program
    .command('check')
    .description('validate all content, keys and the canary archive (exit 65 on any error)')
    .option('--json', 'machine-readable output')
    .option('--since <git-ref>', 'published state to compare policy versions with (default: HEAD)')
    .action(async (flags: { json?: boolean; since?: string }) => {
      const c = ctx();
      const problems = await check(c, flags.since ? { since: flags.since } : {});
      const errors = problems.filter((p) => p.level === 'error');
      if (flags.json) c.io.out(JSON.stringify({ ok: errors.length === 0, problems }, null, 2));
      else c.io.out(problems.length === 0 ? 'All content checks passed.' : problems.map((p) => `${p.level.toUpperCase()} ${p.code}: ${p.message}`).join('\n'));
      done(errors.length > 0 ? EXIT.dataError : EXIT.ok);
    });
}
