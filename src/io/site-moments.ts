/**
 * The moments at which what a built site says changes (src/core/site/rebuild.ts), read from
 * the repository: the day each policy version takes effect, the attestation's and the
 * heartbeat's expiry, each published key's expiry, when the next report is due. New files
 * are not moments: they arrive by a push, whose run rebuilds, or by this run's heartbeat.
 * A file that cannot be read here is not this step's to judge (the build's check reports
 * it): its moments are left out.
 */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { parseYaml } from '../core/content/yaml.ts';
import type { SiteMoment } from '../core/site/rebuild.ts';
import { latestAttestation, latestHeartbeat } from './archive.ts';
import { readKeyFolder } from './keyring.ts';
import type { Project } from './project.ts';
import { readPolicies } from './read-policies.ts';
import { readReports } from './read-reports.ts';

const day = (d: string): Date => new Date(`${d}T00:00:00Z`);
const tolerant = <T>(p: Promise<T>, fallback: T): Promise<T> => p.catch(() => fallback);

export interface SiteClock {
  moments: SiteMoment[];
  /** When the latest archived heartbeat was issued, if there is one. */
  lastHeartbeat?: Date;
}

export async function siteMoments(project: Project): Promise<SiteClock> {
  const [policies, canary, keys, reports] = await Promise.all([policyMoments(project), canaryMoments(project), keyMoments(project), reportMoments(project)]);
  const moments = [...policies, ...canary.moments, ...keys, ...reports].filter((m) => !Number.isNaN(m.at.getTime()));
  return { moments, ...(canary.lastHeartbeat ? { lastHeartbeat: canary.lastHeartbeat } : {}) };
}

async function policyMoments(project: Project): Promise<SiteMoment[]> {
  const set = await tolerant(readPolicies(project), { policies: new Map(), problems: [] });
  return [...set.policies].flatMap(([id, versions]) => versions.map((v) => ({ what: `${id} ${v.version} takes effect`, at: day(v.effective) })));
}

async function canaryMoments(project: Project): Promise<SiteClock> {
  const [att, hb] = await Promise.all([tolerant(latestAttestation(project), undefined), tolerant(latestHeartbeat(project), undefined)]);
  const moments: SiteMoment[] = [];
  if (att) moments.push({ what: 'the attestation expires', at: new Date(att.data.expires) });
  if (hb) moments.push({ what: 'the heartbeat expires', at: new Date(hb.data.expires) });
  return { moments, ...(hb ? { lastHeartbeat: new Date(hb.data.issued) } : {}) };
}

async function keyMoments(project: Project): Promise<SiteMoment[]> {
  const files = await tolerant(readKeyFolder(project.keys, project.root), []);
  const out: SiteMoment[] = [];
  for (const f of files)
    for (const key of f.keys) {
      const expires = await tolerant(key.getExpirationTime(), null);
      if (expires instanceof Date) out.push({ what: `key ${key.getFingerprint().toUpperCase()} expires`, at: expires });
    }
  return out;
}

async function reportMoments(project: Project): Promise<SiteMoment[]> {
  const set = await tolerant(readReports(project), { reports: [], signatures: new Map(), problems: [] });
  const out: SiteMoment[] = set.reports.slice(-1).map((r) => ({ what: 'the next transparency report is due', at: day(r.nextReportDue) }));
  const service = await tolerant(readFile(path.join(project.content, 'service.yml'), 'utf8'), '');
  const first = (parseYamlOrNull(service) as { transparency?: { firstReportDue?: unknown } } | null)?.transparency?.firstReportDue;
  if (set.reports.length === 0 && typeof first === 'string') out.push({ what: 'the first transparency report is due', at: day(first) });
  return out;
}

function parseYamlOrNull(text: string): unknown {
  try {
    return parseYaml(text, 'content/service.yml');
  } catch {
    return null;
  }
}
