// /canary/log/checkpoint and /canary/log/tile/…: the canary log's files as committed, byte for byte (decision 0031).
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../../../data.ts';

export const getStaticPaths = (async () => {
  const log = (await siteData()).log;
  if (!log) return [];
  return [
    { params: { path: 'checkpoint' }, props: { body: new TextEncoder().encode(log.checkpoint), type: 'text/plain; charset=utf-8' } },
    ...log.files.map((f) => ({ params: { path: f.path }, props: { body: f.bytes, type: 'application/octet-stream' } })),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  const { body, type } = props as { body: Uint8Array; type: string };
  return new Response(new Uint8Array(body), { headers: { 'content-type': type } });
};
