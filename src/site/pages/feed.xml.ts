// /feed.xml: the atom feed of policy changes, transparency reports and canary attestations (src/core/feeds.ts).
import type { APIRoute } from 'astro';
import { feeds } from '../data.ts';

export const GET: APIRoute = async () => new Response((await feeds()).atom, { headers: { 'content-type': 'application/atom+xml; charset=utf-8' } });
