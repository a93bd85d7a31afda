// /canary.txt.ots and /heartbeat.txt.ots: the OpenTimestamps proofs of the current attestation
// and heartbeat, byte for byte as archived beside them (docs/timestamps.md).
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../data.ts';

export const getStaticPaths = (async () => {
  const files = (await siteData()).timestamps?.files;
  return [
    ...(files?.canary ? [{ params: { name: 'canary' }, props: { body: files.canary.ots } }] : []),
    ...(files?.heartbeat ? [{ params: { name: 'heartbeat' }, props: { body: files.heartbeat.ots } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response(new Uint8Array((props as { body: Uint8Array }).body), { headers: { 'content-type': 'application/vnd.opentimestamps.v1' } });
