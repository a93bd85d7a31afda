// /.well-known/openpgpkey/hu/<z-base-32 hash>: the binary key(s) for one address at the
// service's domain (the direct method; a static site ignores the ?l= query). See src/core/wkd.ts.
import type { APIRoute, GetStaticPaths } from 'astro';
import { wkdData } from '../../../../data.ts';

export const getStaticPaths = (async () =>
  (await wkdData()).entries.map((e) => ({ params: { hash: e.hash }, props: { body: e.body } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) =>
  new Response((props as { body: Uint8Array<ArrayBuffer> }).body, { headers: { 'content-type': 'application/octet-stream' } });
