/**
 * The Astro configuration that follows an operator's service.yml (decisions 0022, 0023):
 * the base path, the pages of the parts it publishes (injected from src/site/routes/, so a
 * part that is not there has no page at all), and the header and footer components, Candor's
 * own or the operator's (the model: Starlight's `components` option).
 */
import path from 'node:path';
import { readdir } from 'node:fs/promises';
import type { AstroInlineConfig, AstroIntegration } from 'astro';
import type { Part } from '../core/content/site-options.ts';
import type { Project } from '../io/project.ts';
import type { SiteOptions } from '../io/site-options.ts';
import { listFiles } from '../io/files.ts';
import { PACKAGE_ROOT } from '../io/package-root.ts';

// From the package root, not this file: as installed, this module runs emitted in lib/ (decision
// 0020), while the pages stay .astro sources in src/site/routes/.
const ROUTES = path.join(PACKAGE_ROOT, 'src', 'site', 'routes');

/** The pages each part brings, by their first path segment under routes/. */
const PART_OF: Record<string, Part | 'keys'> = {
  policies: 'policies',
  transparency: 'transparency',
  canary: 'canary',
  'canary.json.ts': 'canary',
  '[name].txt.tlog-proof.ts': 'canary',
  '[name].txt.ots.ts': 'canary',
  '[name].txt.ots-headers.ts': 'canary',
  archive: 'canary',
  keys: 'keys',
  // privacy.txt and gpc.json speak for the policies (docs/content.md#exports).
  'well-known': 'policies',
};

/** routes/policies/[policy]/index.astro → /policies/[policy]; routes/canary.json.ts → /canary.json. */
export function routePattern(rel: string): string {
  const route = rel
    .split(path.sep)
    .join('/')
    .replace(/\.(astro|ts)$/, '');
  // routes/well-known/ is /.well-known/: Astro skips source folders whose name starts with a dot.
  return `/${route}`.replace(/\/index$/, '').replace(/^\/well-known\//, '/.well-known/') || '/';
}

/** The parts whose pages are built; keys/ has its page when there is a key to show or a canary to sign. */
export async function siteSections(options: SiteOptions, project: Project): Promise<Set<Part | 'keys'>> {
  const sections = new Set<Part | 'keys'>(options.parts);
  const keys = await listFiles(project.keys, (n) => n.endsWith('.asc'));
  if (options.parts.has('canary') || keys.length > 0) sections.add('keys');
  return sections;
}

function partRoutes(sections: Set<Part | 'keys'>): AstroIntegration {
  return {
    name: 'candor-parts',
    hooks: {
      'astro:config:setup': async ({ injectRoute }) => {
        const files = (await readdir(ROUTES, { recursive: true, withFileTypes: true })).filter((d) => d.isFile());
        for (const d of files) {
          const rel = path.relative(ROUTES, path.join(d.parentPath, d.name));
          const part = PART_OF[rel.split(path.sep)[0]!];
          if (part && sections.has(part)) injectRoute({ pattern: routePattern(rel), entrypoint: path.join(ROUTES, rel) });
        }
      },
    },
  };
}

/** Candor's own header and footer, or the operator's in their place (Base.astro imports the defaults by these exact names). */
function componentAliases(options: SiteOptions): { find: RegExp; replacement: string }[] {
  const aliases: { find: RegExp; replacement: string }[] = [];
  if (options.branding.header) aliases.push({ find: /^\.\.\/components\/SiteHeader\.astro$/, replacement: options.branding.header });
  if (options.branding.footer) aliases.push({ find: /^\.\.\/components\/SiteFooter\.astro$/, replacement: options.branding.footer });
  return aliases;
}

/** What the build (and the dev server) adds to astro.config.mjs for this project. */
export async function siteConfig(options: SiteOptions, project: Project): Promise<Pick<AstroInlineConfig, 'base' | 'integrations' | 'vite'>> {
  const sections = await siteSections(options, project);
  const branding = [options.branding.header, options.branding.footer].filter((f): f is string => f !== undefined);
  return {
    base: options.base,
    integrations: [partRoutes(sections)],
    vite: {
      resolve: { alias: componentAliases(options) },
      // The operator's components live outside Candor's tree: Vite may read their folder.
      server: { fs: { allow: [PACKAGE_ROOT, ...branding.map((f) => path.dirname(f))] } },
    },
  };
}
