/** Reads every policy version under content/policies/ (the core parses and checks). */
import path from 'node:path';
import { readdir, readFile } from 'node:fs/promises';
import { isCandorError } from '../core/errors.ts';
import { compareVersions, type PolicyVersion } from '../core/policy/model.ts';
import { parsePolicyVersion } from '../core/policy/parse.ts';
import { problemsFromError, type Problem } from '../core/policy/problems.ts';
import type { Project } from './project.ts';

export interface PolicySet {
  policies: Map<string, PolicyVersion[]>;
  /** Files that could not be read or parsed: each a problem, the rest still loads. */
  problems: Problem[];
}

export async function readPolicies(project: Project): Promise<PolicySet> {
  const root = path.join(project.content, 'policies');
  const folders = (await readdir(root, { withFileTypes: true }).catch(() => []))
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const policies = new Map<string, PolicyVersion[]>();
  const problems: Problem[] = [];
  for (const folder of folders) {
    const names = (await readdir(path.join(root, folder))).filter((n) => n.endsWith('.md') && n !== 'README.md');
    const versions: PolicyVersion[] = [];
    for (const name of names) {
      const rel = `policies/${folder}/${name}`;
      try {
        versions.push(parsePolicyVersion(await readFile(path.join(root, folder, name), 'utf8'), rel));
      } catch (error) {
        if (!isCandorError(error)) throw error;
        problems.push(...problemsFromError(error, `content/${rel}`));
      }
    }
    policies.set(
      folder,
      versions.sort((a, b) => compareVersions(a.version, b.version)),
    );
  }
  return { policies, problems };
}

export function findVersion(set: PolicySet, policy: string, version: string): PolicyVersion | undefined {
  return set.policies.get(policy)?.find((v) => v.version === version);
}
