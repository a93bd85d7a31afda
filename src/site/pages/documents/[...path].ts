// /documents/<path>: the exact bytes whose SHA-256 the attestation signs.
import type { APIRoute, GetStaticPaths } from 'astro';
import { documentFile, siteData } from '../../data.ts';

export const getStaticPaths = (async () => {
  const data = await siteData();
  return (data.attestation?.data.documents ?? []).map((d) => ({ params: { path: d.path } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) =>
  new Response((await documentFile(params.path!)) as Uint8Array<ArrayBuffer>, { headers: { 'content-type': 'text/plain; charset=utf-8' } });
