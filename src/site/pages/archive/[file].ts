// /archive/attestation-000001.txt …: every attestation and heartbeat ever issued.
import type { APIRoute, GetStaticPaths } from 'astro';
import { archivedFile, siteData } from '../../data.ts';

export const getStaticPaths = (async () => (await siteData()).archive.map((name) => ({ params: { file: name } }))) satisfies GetStaticPaths;

export const GET: APIRoute = async ({ params }) => new Response(await archivedFile(params.file!), { headers: { 'content-type': 'text/plain; charset=utf-8' } });
