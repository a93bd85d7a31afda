// /canary.txt.ots-headers and /heartbeat.txt.ots-headers: the Bitcoin headers that let the
// proofs beside them verify offline, byte for byte as archived (docs/timestamps.md).
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../data.ts';

export const getStaticPaths = (async () => {
  const files = (await siteData()).timestamps?.files;
  return [
    ...(files?.canary?.headers ? [{ params: { name: 'canary' }, props: { body: files.canary.headers } }] : []),
    ...(files?.heartbeat?.headers ? [{ params: { name: 'heartbeat' }, props: { body: files.heartbeat.headers } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(new Uint8Array((props as { body: Uint8Array }).body), { headers: { 'content-type': 'application/json' } });
