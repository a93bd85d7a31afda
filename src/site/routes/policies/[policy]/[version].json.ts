// /policies/<policy>/<version>.json: one version as data (front matter, facts, Markdown
// body), for tools and for comparing any two versions in the browser.
import type { APIRoute, GetStaticPaths } from 'astro';
import type { PolicyVersion } from '../../../../core/policy/model.ts';
import { versionPaths } from '../../../data.ts';

export const getStaticPaths = versionPaths satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  // The exact source bytes are the permalink page's business; this is the parsed form.
  const { source: _source, ...version } = (props as { version: PolicyVersion }).version;
  return new Response(`${JSON.stringify(version, null, 2)}\n`, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
