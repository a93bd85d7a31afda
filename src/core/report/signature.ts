/**
 * Each report's canonical JSON is signed with a detached OpenPGP signature, so that
 * `gpg --verify 2025-h1.json.asc 2025-h1.json` checks the published numbers as they are.
 */
import type * as openpgp from 'openpgp';
import { signDetached, verifyDetached, type DetachedCheck } from '../pgp/detached.ts';

export function signReportJson(json: string, key: openpgp.PrivateKey, clock: { now: Date }): Promise<string> {
  return signDetached(json, key, clock);
}

export type ReportSignatureCheck = DetachedCheck;

/** Good only if some `keys` entry made a valid signature over exactly these bytes. */
export function verifyReportJson(json: string, armored: string, keys: openpgp.Key[], clock?: { now: Date }): Promise<ReportSignatureCheck> {
  return verifyDetached(json, armored, keys, clock);
}
