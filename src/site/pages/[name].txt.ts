// The stable public paths /canary.txt (current attestation) and /heartbeat.txt.
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../data.ts';

export const getStaticPaths = (async () => {
  const data = await siteData();
  return [
    ...(data.attestation ? [{ params: { name: 'canary' }, props: { body: data.attestation.signed } }] : []),
    ...(data.heartbeat ? [{ params: { name: 'heartbeat' }, props: { body: data.heartbeat.signed } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => new Response((props as { body: string }).body, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
