// /canary.txt.tlog-proof and /heartbeat.txt.tlog-proof: C2SP tlog-proofs that the current
// attestation and heartbeat are in the canary log's checkpoint, written at build (decision 0031).
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../data.ts';

export const getStaticPaths = (async () => {
  const proofs = (await siteData()).log?.proofs;
  return [
    ...(proofs?.canary ? [{ params: { name: 'canary' }, props: { body: proofs.canary } }] : []),
    ...(proofs?.heartbeat ? [{ params: { name: 'heartbeat' }, props: { body: proofs.heartbeat } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => new Response((props as { body: string }).body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
