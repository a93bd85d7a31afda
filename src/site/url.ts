/** Links of the site under its base path (service.yml `base`, Astro's `base`: decision 0022). */
import { underBase } from '../core/site/base-path.ts';

/** The path the site is served under, e.g. "/" or "/candor-demo/". */
export const BASE: string = (import.meta as ImportMeta & { env: { BASE_URL: string } }).env.BASE_URL.replace(/\/?$/, '/');

/** A root-relative path of the site under its base: at('/canary/') is '/candor-demo/canary/'. */
export const at = (path: string): string => underBase(BASE, path);

/** A page's path without the base, for "is this the current section". */
export const unbased = (pathname: string): string => (pathname.startsWith(BASE) ? `/${pathname.slice(BASE.length)}` : pathname);

/**
 * Rendered Markdown (policy text, diffs, report narratives) under the base: a link the
 * author wrote from the site's root ("/transparency/") points into the site as published.
 * The renderer escapes every attribute, so `href="/` only ever starts a link it wrote.
 */
export const rebased = (html: string): string => (BASE === '/' ? html : html.replace(/ href="\/(?!\/)/g, ` href="${BASE}`));

/** The absolute URL of a page of the site, for documents read elsewhere (privacy.txt, JSON-LD). */
export const absolute = (serviceUrl: string, path: string): string => new URL(at(path), serviceUrl).href;
