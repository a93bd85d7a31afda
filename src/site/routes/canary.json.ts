// /canary.json: the current canary as data (unsigned convenience; see src/core/site/canary-status.ts).
import type { APIRoute } from 'astro';
import { canaryStatusJson } from '../../core/site/canary-status.ts';
import { siteData } from '../data.ts';

export const GET: APIRoute = async () => {
  const { content, attestation, heartbeat, builtAt, check, options, log } = await siteData();
  const body = canaryStatusJson({
    service: { name: content.service.name, url: content.service.url },
    built: builtAt,
    base: options.base,
    ...(attestation ? { attestation } : {}),
    ...(heartbeat ? { heartbeat } : {}),
    ...(check ? { check } : {}),
    ...(log ? { log: { origin: log.origin, vkey: log.vkey, address: options.address } } : {}),
  });
  return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
