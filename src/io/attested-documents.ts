/**
 * The documents an attestation signs at a given time, with their hashes: the files
 * canary.yml lists, the current and upcoming version of every policy, and every
 * transparency report (its source and the canonical JSON published and signed on its
 * own). `candor canary attest prepare` signs them; `candor check` warns when the latest
 * attestation no longer does.
 */
import { documentHash } from '../core/canonical.ts';
import { ContentError } from '../core/errors.ts';
import { currentVersion, upcomingVersions } from '../core/policy/changelog.ts';
import { reportToJson } from '../core/report/export.ts';
import type { Project } from './project.ts';
import { hashDocuments, type CanaryContent } from './read-content.ts';
import { readPolicies } from './read-policies.ts';
import { readReports } from './read-reports.ts';
import { problemLine } from '../core/policy/problems.ts';

export interface DocumentHash {
  path: string;
  sha256: string;
}

/** The current and upcoming version of every policy: what the attestation vouches for. */
async function policiesInForce(project: Project, now: Date): Promise<string[]> {
  const { policies, problems } = await readPolicies(project);
  const broken = problems[0];
  if (broken)
    throw new ContentError('COMPOSE_REFUSED', 'a policy version does not parse', {
      file: broken.file,
      received: problemLine(broken),
      hint: 'Run candor check and fix the policies first: the attestation signs their hashes.',
    });
  return [...policies.values()]
    .flatMap((versions) => [currentVersion(versions, now), ...upcomingVersions(versions, now)])
    .filter((v): v is NonNullable<typeof v> => v !== undefined)
    .map((v) => v.path);
}

/** Every transparency report stays in force as the record of its period. */
async function reportsPublished(project: Project): Promise<DocumentHash[]> {
  const { reports, problems } = await readReports(project);
  const broken = problems[0];
  if (broken)
    throw new ContentError('COMPOSE_REFUSED', 'a transparency report does not parse', {
      file: broken.file,
      received: problemLine(broken),
      hint: 'Run candor check and fix the reports first: the attestation signs their hashes.',
    });
  const sources = await hashDocuments(
    project,
    reports.map((r) => r.path),
  );
  const json = await Promise.all(reports.map(async (r) => ({ path: `transparency/${r.id}.json`, sha256: await documentHash(reportToJson(r)) })));
  return [...sources, ...json];
}

export async function documentsToAttest(project: Project, content: CanaryContent, now: Date): Promise<DocumentHash[]> {
  return [...(await hashDocuments(project, [...content.config.documents, ...(await policiesInForce(project, now))])), ...(await reportsPublished(project))];
}
