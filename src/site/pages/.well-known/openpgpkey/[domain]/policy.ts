// /.well-known/openpgpkey/<domain>/policy: the advanced method's policy file, served
// when openpgpkey.<domain> points at this site (see /.well-known/openpgpkey/policy).
import type { APIRoute, GetStaticPaths } from 'astro';
import { wkdDomain } from '../../../../data.ts';

export const getStaticPaths = (async () => [{ params: { domain: await wkdDomain() } }]) satisfies GetStaticPaths;

export const GET: APIRoute = () => new Response('', { headers: { 'content-type': 'text/plain; charset=utf-8' } });
