/** The site's one door to the content: reads the project once per build. */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { latestAttestation, latestHeartbeat, listArchive, type ArchivedDocument } from '../io/archive.ts';
import type { AttestationData, HeartbeatData } from '../core/canary/model.ts';
import { describeKey, fingerprintOf, type KeyInfo } from '../core/pgp/keys.ts';
import { readKeyFolder } from '../io/keyring.ts';
import { readCanaryContent, type CanaryContent } from '../io/read-content.ts';
import { projectAt } from '../io/project.ts';
import { readReports, type ReportSet } from '../io/read-reports.ts';
import { reportToJson } from '../core/report/export.ts';

export const project = projectAt(process.env['CANDOR_ROOT'] ?? '.');

export interface SiteKey extends KeyInfo { armored: string; retired: boolean }

export interface SiteData {
  content: CanaryContent;
  attestation?: ArchivedDocument<AttestationData>;
  heartbeat?: ArchivedDocument<HeartbeatData>;
  archive: string[];
  keys: SiteKey[];
  builtAt: string;
}

let cached: Promise<SiteData> | undefined;
let reports: Promise<ReportSet> | undefined;

export function reportData(): Promise<ReportSet> {
  reports ??= readReports(project);
  return reports;
}

async function load(): Promise<SiteData> {
  const keys: SiteKey[] = [];
  for (const file of await readKeyFolder(project.keys, project.root)) {
    for (const key of file.keys) keys.push({ ...(await describeKey(key)), armored: key.armor().replace(/\r\n/g, '\n'), retired: file.retired });
  }
  const attestation = await latestAttestation(project);
  const heartbeat = await latestHeartbeat(project);
  const archive = [...(await listArchive(project.archive, 'attestation')), ...(await listArchive(project.archive, 'heartbeat'))];
  return {
    content: await readCanaryContent(project), archive, keys, builtAt: new Date().toISOString(),
    ...(attestation ? { attestation } : {}), ...(heartbeat ? { heartbeat } : {}),
  };
}

export function siteData(): Promise<SiteData> {
  cached ??= load();
  return cached;
}

export async function archivedFile(name: string): Promise<string> {
  return readFile(path.join(project.archive, name), 'utf8');
}

/** A signed document's bytes: a file under content/, or a report's canonical JSON (derived). */
export async function documentFile(rel: string): Promise<Uint8Array> {
  const json = /^transparency\/(.+)\.json$/.exec(rel);
  if (json) {
    const report = (await reportData()).reports.find((r) => r.id === json[1]);
    if (report) return new TextEncoder().encode(reportToJson(report));
  }
  return new Uint8Array(await readFile(path.join(project.content, rel)));
}

export { fingerprintOf };
