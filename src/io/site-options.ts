/**
 * The site's options as the build, `candor check` and the watchdog read them: service.yml,
 * which parts the content tree holds (decision 0022), and the branding files it names
 * (decision 0023), each checked to exist and to request nothing from another origin.
 */
import path from 'node:path';
import { readFile, readdir, stat } from 'node:fs/promises';
import { parseServiceConfig, type ServiceConfig } from '../core/content/canary-config.ts';
import { siteAddress, siteBase } from '../core/site/base-path.ts';
import { resolveParts, PART_CONTENT, type ContentTree, type Part, type PartsProblem } from '../core/content/site-options.ts';
import { see } from '../core/docs-links.ts';
import { ContentError } from '../core/errors.ts';
import { exists, readText, relative } from './files.ts';
import type { Project } from './project.ts';

export interface BrandingFiles {
  logo?: string;
  stylesheet?: string;
  header?: string;
  footer?: string;
}

export interface SiteOptions {
  service: ServiceConfig;
  parts: Set<Part>;
  /** The path the site is served under, starting and ending with /. */
  base: string;
  /** The site's own address (origin of url, and base). */
  address: string;
  /** Absolute paths of the branding files service.yml names. */
  branding: BrandingFiles;
  /** Warnings (an unlisted part's content); errors are thrown. */
  warnings: PartsProblem[];
}

/** service.yml as the site uses it: with the branding colours' contrast measured (colorjs.io is loaded here, and only here). */
export async function readServiceConfig(project: Project): Promise<ServiceConfig> {
  const file = path.join(project.content, 'service.yml');
  const rel = relative(project.root, file);
  const [text, { contrastProblems }] = await Promise.all([readText(file, rel), import('../core/content/contrast.ts')]);
  return parseServiceConfig(text, rel, { contrast: contrastProblems });
}

/**
 * What the content tree holds: policies/ with a policy in it, canary.yml, and the
 * transparency/ folder itself. A reports folder is the operator's choice to publish reports
 * (candor init writes it with a README): until the first report its page says that none has
 * been published yet (decision 0022), rather than the part vanishing.
 */
export async function contentTree(project: Project): Promise<ContentTree> {
  const nonEmpty = async (dir: string) => (await readdir(dir).catch(() => [] as string[])).some((n) => !n.startsWith('.') && n !== 'README.md');
  return {
    policies: await nonEmpty(path.join(project.content, 'policies')),
    transparency: (await stat(path.join(project.content, 'transparency')).catch(() => undefined))?.isDirectory() ?? false,
    canary: await exists(path.join(project.canary, 'canary.yml')),
  };
}

const SERVICE_FILE = 'content/service.yml';

function partError(p: PartsProblem): ContentError {
  if (p.code === 'NO_PARTS')
    return new ContentError('NO_PARTS', 'nothing to publish', {
      file: 'content/',
      expected: `at least one part: ${Object.values(PART_CONTENT).join(', ')}`,
      received: 'none of them',
      hint: see('parts', 'Add a policy (candor policy new), a report, or a canary (candor init --add canary).'),
    });
  return new ContentError('PART_MISSING', `parts lists ${p.part}, but its content is missing`, {
    file: SERVICE_FILE,
    field: 'parts',
    expected: PART_CONTENT[p.part!],
    received: 'nothing there',
    hint: see('parts', `Add it (${p.part === 'canary' ? 'candor init --add canary' : `create ${PART_CONTENT[p.part!]}`}), or take ${p.part} out of parts.`),
  });
}

/** SVG that could run script or fetch from elsewhere when opened at the site's origin. */
const SVG_UNSAFE = /<script|<foreignObject|\son[a-z]+\s*=|(?:href|src)\s*=\s*["']\s*(?!#|data:image\/)[^"'\s]|@import|url\(\s*["']?\s*(?!#)/i;
/** CSS that would request something from another origin (the CSP would block it; said here first). */
const CSS_FOREIGN = /@import\s+(?:url\()?\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)|url\(\s*["']?\s*(?:[a-z][a-z0-9+.-]*:|\/\/)(?!data:)/i;

async function brandingFile(project: Project, field: string, rel: string, unsafe?: { pattern: RegExp; what: string }): Promise<string> {
  const file = path.join(project.content, rel);
  const shown = relative(project.root, file);
  const bytes = await readFile(file).catch(() => {
    throw new ContentError('FILE_MISSING', 'the file named here does not exist', {
      file: SERVICE_FILE,
      field,
      expected: 'a file under content/',
      received: shown,
      hint: see('branding'),
    });
  });
  if (unsafe && unsafe.pattern.test(bytes.toString('utf8'))) {
    throw new ContentError('BRANDING_UNSAFE', `${unsafe.what}`, {
      file: shown,
      expected: 'a file that runs no script and loads nothing from another site',
      received: unsafe.pattern.exec(bytes.toString('utf8'))![0],
      hint: see('branding', 'The site loads nothing from anyone else (its CSP refuses it): put images and fonts next to it, or inline them.'),
    });
  }
  return file;
}

/** service.yml with its parts and branding files; every problem found is thrown at once (the first, with the others in `also`). */
export async function readSiteOptions(project: Project): Promise<SiteOptions> {
  const service = await readServiceConfig(project);
  const { parts, problems } = resolveParts(service.parts, await contentTree(project));
  const errors: ContentError[] = problems.filter((p) => p.level === 'error').map(partError);
  const collect = async (step: () => Promise<string>): Promise<string | undefined> => {
    try {
      return await step();
    } catch (error) {
      if (!(error instanceof ContentError)) throw error;
      errors.push(error);
      return undefined;
    }
  };
  const b = service.branding;
  const named: [keyof BrandingFiles, string, string | undefined, { pattern: RegExp; what: string } | undefined][] = [
    [
      'logo',
      'branding.logo',
      b?.logo,
      b?.logo?.toLowerCase().endsWith('.svg') ? { pattern: SVG_UNSAFE, what: 'the logo could run script or load from elsewhere' } : undefined,
    ],
    ['stylesheet', 'branding.stylesheet', b?.stylesheet, { pattern: CSS_FOREIGN, what: 'the style sheet loads from another site' }],
    ['header', 'branding.components.header', b?.components?.header, undefined],
    ['footer', 'branding.components.footer', b?.components?.footer, undefined],
  ];
  const branding: BrandingFiles = {};
  for (const [key, field, rel, unsafe] of named) {
    if (rel === undefined) continue;
    const file = await collect(() => brandingFile(project, field, rel, unsafe));
    if (file) branding[key] = file;
  }
  const [first, ...rest] = errors;
  if (first) throw rest.length > 0 ? new ContentError(first.code, first.summary, first.details, rest) : first;
  return { service, parts, base: siteBase(service), address: siteAddress(service), branding, warnings: problems.filter((p) => p.level === 'warning') };
}
