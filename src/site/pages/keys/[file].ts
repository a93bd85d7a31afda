// /keys/FINGERPRINT.asc: every public key, as verifiers fetch them.
import type { APIRoute, GetStaticPaths } from 'astro';
import { siteData } from '../../data.ts';

export const getStaticPaths = (async () => (await siteData()).keys.map((k) => ({ params: { file: `${k.fingerprint}.asc` }, props: { body: k.armored } }))) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => new Response((props as { body: string }).body, { headers: { 'content-type': 'application/pgp-keys' } });
