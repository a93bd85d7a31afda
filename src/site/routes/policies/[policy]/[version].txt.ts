// /policies/<policy>/<version>.txt: the version's exact Markdown, the plain text that
// privacy.txt's Privacy-policy-text points to (docs/content.md#exports).
import type { APIRoute, GetStaticPaths } from 'astro';
import type { PolicyVersion } from '../../../../core/policy/model.ts';
import { versionPaths } from '../../../data.ts';

export const getStaticPaths = versionPaths satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response((props as { version: PolicyVersion }).version.source, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
