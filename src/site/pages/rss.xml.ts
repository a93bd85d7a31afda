// /rss.xml: the rss feed of policy changes, transparency reports and canary attestations (src/core/feeds.ts).
import type { APIRoute } from 'astro';
import { feeds } from '../data.ts';

export const GET: APIRoute = async () => new Response((await feeds()).rss, { headers: { 'content-type': 'application/rss+xml; charset=utf-8' } });
