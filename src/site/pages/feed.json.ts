// /feed.json: the json feed of policy changes, transparency reports and canary attestations (src/core/feeds.ts).
import type { APIRoute } from 'astro';
import { feeds } from '../data.ts';

export const GET: APIRoute = async () => new Response((await feeds()).json, { headers: { 'content-type': 'application/feed+json; charset=utf-8' } });
