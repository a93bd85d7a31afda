// /keys/FINGERPRINT.asc: every public key, as verifiers fetch them.
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../../data.ts';

// /keys/log.vkey: the canary log's verifier key (decision 0031), when canary.yml names one.
export const getStaticPaths = (async () => {
  const data = await siteData();
  return [
    ...data.keys.map((k) => ({ params: { file: `${k.fingerprint}.asc` }, props: { body: k.armored, type: 'application/pgp-keys' } })),
    ...(data.log ? [{ params: { file: 'log.vkey' }, props: { body: `${data.log.vkey}\n`, type: 'text/plain; charset=utf-8' } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  const { body, type } = props as { body: string; type: string };
  return new Response(body, { headers: { 'content-type': type } });
};
