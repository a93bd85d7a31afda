// /.well-known/openpgpkey/policy: an empty policy file says "this domain has a Web Key
// Directory" (draft-koch-openpgp-webkey-service); clients check for it before lookups.
import type { APIRoute } from 'astro';

export const GET: APIRoute = () => new Response('', { headers: { 'content-type': 'text/plain; charset=utf-8' } });
