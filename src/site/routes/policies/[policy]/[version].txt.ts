// /policies/<policy>/<version>.txt: the version's exact Markdown, the plain text that
// privacy.txt's Privacy-policy-text points to (docs/content.md#exports).
import type { APIRoute, GetStaticPaths } from 'astro';
import type { PolicyVersion } from '../../../../core/policy/model.ts';
import { policyData } from '../../../data.ts';

export const getStaticPaths = (async () => {
  const { policies } = await policyData();
  return policies.flatMap((p) => p.versions.map((v) => ({ params: { policy: p.id, version: v.version }, props: { version: v } })));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response((props as { version: PolicyVersion }).version.source, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
