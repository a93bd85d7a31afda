/**
 * The last step of a site build, after Astro and the client bundle: security.txt (RFC
 * 9116) and manifest.json, both signed when an automation key is given (decision 0007).
 * Run again on a built site to sign it (scripts/sign-site.ts): the key is then needed
 * only in that step, not while third-party build code runs.
 */
import path from 'node:path';
import { createHash } from 'node:crypto';
import { readdir, readFile, rm } from 'node:fs/promises';
import type * as openpgp from 'openpgp';
import { SigningError, UsageError } from '../core/errors.ts';
import type { CanaryConfig, ServiceConfig } from '../core/content/canary-config.ts';
import { composeManifest, inManifest, MANIFEST_PATH, MANIFEST_SIGNATURE_PATH, type ManifestFile } from '../core/site/manifest.ts';
import { composeSecurityTxt, SECURITY_TXT_PATH } from '../core/site/security-txt.ts';
import { signDetached } from '../core/pgp/detached.ts';
import { signDocument } from '../core/pgp/sign.ts';
import { fingerprintOf } from '../core/pgp/keys.ts';
import { toInstant } from '../core/canary/model.ts';
import { writeFileAtomic } from './files.ts';

export interface FinishOptions {
  /** The service, and the canary's configuration when it publishes one. */
  content: { service: ServiceConfig; config?: CanaryConfig | undefined };
  now: Date;
  /** The unlocked automation key; without it both files are published unsigned. */
  key?: openpgp.PrivateKey;
}

export interface FinishResult {
  files: number;
  signer: string | null;
  securityTxt: boolean;
}

function fileEntry(urlPath: string, bytes: Buffer): ManifestFile {
  return { path: urlPath, sha256: `sha256:${createHash('sha256').update(bytes).digest('hex')}`, bytes: bytes.length };
}

/** Every file under `out`, as URL paths with hashes and sizes. */
export async function siteFiles(out: string): Promise<ManifestFile[]> {
  const entries = await readdir(out, { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    throw new UsageError('INPUT_UNREADABLE', 'not a built site', {
      file: out,
      expected: 'the folder npm run build wrote (dist/site)',
      received: error.code ?? error.message,
      hint: 'Run npm run build first, or name the built site.',
    });
  });
  return Promise.all(
    entries
      .filter((d) => d.isFile())
      .map(async (d) => {
        const file = path.join(d.parentPath, d.name);
        return fileEntry(`/${path.relative(out, file).split(path.sep).join('/')}`, await readFile(file));
      }),
  );
}

/**
 * The key must be one the canary names as a heartbeat (automation) key: that is what
 * verifiers are told. A service without a canary names no such key: its keys/ page does.
 */
function signerOf(content: FinishOptions['content'], key: openpgp.PrivateKey | undefined): string | null {
  if (!key) return null;
  const fpr = fingerprintOf(key);
  if (content.config && !content.config.heartbeat.keys.some((k) => k.fingerprint === fpr)) {
    throw new SigningError('SIGNER_NOT_IN_POLICY', 'the site signing key is not a heartbeat key', {
      file: 'content/canary/canary.yml',
      field: 'heartbeat.keys',
      expected: 'the fingerprint of the key that signs the site',
      received: fpr,
      hint: 'Sign the site with the CI heartbeat key (CANDOR_SIGNING_KEY), or list this key under heartbeat.keys.',
    });
  }
  return fpr;
}

/**
 * Everything is composed and signed in memory first, then written: a signing failure
 * leaves the site as it was, never a signed security.txt beside a stale manifest.
 */
export async function finishSite(out: string, opts: FinishOptions): Promise<FinishResult> {
  const signer = signerOf(opts.content, opts.key);
  const clock = { now: opts.now };
  const security = composeSecurityTxt(opts.content.service, { now: opts.now, ...(signer ? { signer } : {}) });
  const securityBytes = security === undefined ? undefined : opts.key ? await signDocument(security, [opts.key], clock) : security;
  const securityPath = `/${SECURITY_TXT_PATH}`;
  const files = (await siteFiles(out)).filter((f) => f.path !== securityPath);
  if (securityBytes !== undefined) files.push(fileEntry(securityPath, Buffer.from(securityBytes)));
  const service = { name: opts.content.service.name, url: opts.content.service.url };
  const manifest = composeManifest({ service, built: toInstant(opts.now), signer, files });
  const signature = opts.key ? await signDetached(manifest, opts.key, clock) : undefined;

  const securityFile = path.join(out, SECURITY_TXT_PATH);
  if (securityBytes !== undefined) await writeFileAtomic(securityFile, securityBytes);
  else await rm(securityFile, { force: true });
  await writeFileAtomic(path.join(out, MANIFEST_PATH), manifest);
  const signatureFile = path.join(out, MANIFEST_SIGNATURE_PATH);
  if (signature !== undefined) await writeFileAtomic(signatureFile, signature);
  else await rm(signatureFile, { force: true });
  return { files: files.filter((f) => inManifest(f.path)).length, signer, securityTxt: securityBytes !== undefined };
}
