// /brand/logo.svg (or .png) and /brand/site.css: the operator's branding files (service.yml
// `branding`), copied byte for byte so that the site loads nothing from anyone else.
import { readFile } from 'node:fs/promises';
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../../data.ts';

const TYPES: Record<string, string> = { '.svg': 'image/svg+xml', '.png': 'image/png', '.css': 'text/css; charset=utf-8' };

export const getStaticPaths = (async () => {
  const { logo, stylesheet } = (await siteData()).options.branding;
  const ext = (f: string) => f.slice(f.lastIndexOf('.')).toLowerCase();
  return [
    ...(logo ? [{ params: { file: `logo${ext(logo)}` }, props: { from: logo, type: TYPES[ext(logo)]! } }] : []),
    ...(stylesheet ? [{ params: { file: 'site.css' }, props: { from: stylesheet, type: TYPES['.css']! } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { from, type } = props as { from: string; type: string };
  return new Response(new Uint8Array(await readFile(from)), { headers: { 'content-type': type } });
};
