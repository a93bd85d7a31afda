// /.well-known/openpgpkey/<domain>/hu/<hash>: the advanced method, the same files as
// the direct method's hu/<hash>, for when openpgpkey.<domain> points at this site.
import type { APIRoute, GetStaticPaths } from 'astro';
import { wkdData } from '../../../../../data.ts';

export const getStaticPaths = (async () => {
  const { domain, entries } = await wkdData();
  return entries.map((e) => ({ params: { domain, hash: e.hash }, props: { body: e.body } }));
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response((props as { body: Uint8Array<ArrayBuffer> }).body, { headers: { 'content-type': 'application/octet-stream' } });
