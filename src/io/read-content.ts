/** Reads and validates the canary content of a project (the core does the parsing). */
import path from 'node:path';
import { readFile } from 'node:fs/promises';
import { documentHash } from '../core/canonical.ts';
import { ContentError } from '../core/errors.ts';
import { parseCanaryConfig, parseServiceConfig, parseStatements, type CanaryConfig, type ServiceConfig } from '../core/content/canary-config.ts';
import type { Statement } from '../core/canary/model.ts';
import { see } from '../core/docs-links.ts';
import { exists, readText, relative } from './files.ts';
import type { Project } from './project.ts';

export interface CanaryContent {
  service: ServiceConfig;
  config: CanaryConfig;
  statements: Statement[];
}

export async function readCanaryContent(project: Project): Promise<CanaryContent> {
  const files = {
    service: path.join(project.content, 'service.yml'),
    config: path.join(project.canary, 'canary.yml'),
    statements: path.join(project.canary, 'statements.yml'),
  };
  const rel = (f: string) => relative(project.root, f);
  if (!(await exists(files.config)))
    throw new ContentError('FILE_MISSING', 'this service has no canary', {
      file: rel(files.config),
      expected: 'the canary configuration',
      received: 'no such file',
      hint: see('parts', 'Add a canary with candor init --add canary, or publish without one (policies and reports only).'),
    });
  return {
    service: parseServiceConfig(await readText(files.service, rel(files.service)), rel(files.service)),
    config: parseCanaryConfig(await readText(files.config, rel(files.config)), rel(files.config)),
    statements: parseStatements(await readText(files.statements, rel(files.statements)), rel(files.statements)),
  };
}

/** SHA-256 of each document the attestation must list, by its path under content/. */
export async function hashDocuments(project: Project, paths: string[]): Promise<{ path: string; sha256: string }[]> {
  return Promise.all(
    paths.map(async (p, i) => {
      const file = path.join(project.content, p);
      if (path.relative(project.content, file).startsWith('..')) {
        throw new ContentError('SCHEMA_INVALID', 'document outside content/', {
          file: 'content/canary/canary.yml',
          field: `documents[${i}]`,
          expected: 'a path under content/',
          received: p,
        });
      }
      const bytes = await readFile(file).catch(() => {
        throw new ContentError('FILE_MISSING', 'listed document not found', {
          file: 'content/canary/canary.yml',
          field: `documents[${i}]`,
          expected: 'an existing file under content/',
          received: p,
        });
      });
      return { path: p, sha256: await documentHash(new Uint8Array(bytes)) };
    }),
  );
}
