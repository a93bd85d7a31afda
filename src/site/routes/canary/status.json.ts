// /canary/status.json: a monitor's one fetch (current, due, late, expired, tripped; the next heartbeat; the log's checkpoint; the timestamps).
import type { APIRoute } from 'astro';
import { canaryMonitorJson } from '../../../core/site/canary-status.ts';
import { buildNow, siteData } from '../../data.ts';

export const GET: APIRoute = async () => {
  const { attestation, heartbeat, builtAt, check, log, options, timestamps } = await siteData();
  const body = canaryMonitorJson({
    built: builtAt,
    now: buildNow(),
    base: options.base,
    ...(attestation ? { attestation } : {}),
    ...(heartbeat ? { heartbeat } : {}),
    ...(check ? { check } : {}),
    ...(log ? { log } : {}),
    ...(timestamps ? { timestamps } : {}),
  });
  return new Response(body, { headers: { 'content-type': 'application/json; charset=utf-8' } });
};
