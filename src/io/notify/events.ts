/** Reads the content the notifier announces and turns it into events (the core decides which). */
import path from 'node:path';
import type { AttestationData } from '../../core/canary/model.ts';
import { parseServiceConfig } from '../../core/content/canary-config.ts';
import { NotifyError } from '../../core/errors.ts';
import { collectEvents } from '../../core/notify/events.ts';
import type { NoticeEvent, NotifyConfig } from '../../core/notify/model.ts';
import type { Problem } from '../../core/policy/problems.ts';
import { listArchive, readArchived } from '../archive.ts';
import { readText } from '../files.ts';
import type { Project } from '../project.ts';
import { readPolicies } from '../read-policies.ts';
import { readReports } from '../read-reports.ts';

async function readAttestations(project: Project): Promise<AttestationData[]> {
  const names = await listArchive(project.archive, 'attestation');
  const docs = await Promise.all(names.map((n) => readArchived<AttestationData>(path.join(project.archive, n), project.root)));
  return docs.map((d) => d.data);
}

/**
 * Refuses to announce from content that does not load: a version that fails to parse
 * would make the next one's facts diff compare against the wrong predecessor.
 */
function refuseProblems(problems: Problem[]): void {
  const first = problems.find((p) => p.level === 'error');
  if (!first) return;
  throw new NotifyError('CONTENT_INVALID', 'content does not load; nothing was announced', {
    file: first.file,
    expected: 'content that passes candor check',
    received: `${first.code}: ${first.message.split('\n')[0]}`,
    hint: 'Run candor check and fix the content first.',
  });
}

export async function loadEvents(project: Project, config: Pick<NotifyConfig, 'announceEffective'>, now: Date): Promise<NoticeEvent[]> {
  const service = parseServiceConfig(await readText(path.join(project.content, 'service.yml'), 'content/service.yml'), 'content/service.yml');
  const [policies, reports, attestations] = await Promise.all([readPolicies(project), readReports(project), readAttestations(project)]);
  refuseProblems([...policies.problems, ...reports.problems]);
  return collectEvents({
    policies: policies.policies,
    reports: reports.reports,
    attestations,
    siteUrl: service.url,
    now,
    announceEffective: config.announceEffective,
  });
}
