// /policies/<policy>/<version>.dpv.jsonld: the version's facts as W3C DPV JSON-LD
// (src/core/policy/exports/dpv.ts; docs/content.md#exports).
import type { APIRoute, GetStaticPaths } from 'astro';
import type { PolicyVersion } from '../../../../core/policy/model.ts';
import { dpvDocument } from '../../../../core/policy/exports/dpv.ts';
import { siteData, versionPaths } from '../../../data.ts';
import { absolute } from '../../../url.ts';

export const getStaticPaths = versionPaths satisfies GetStaticPaths;

export const GET: APIRoute = async ({ props }) => {
  const { version } = props as { version: PolicyVersion };
  const { url } = (await siteData()).content.service;
  const doc = dpvDocument(version, { siteUrl: absolute(url, '/'), url: absolute(url, `/policies/${version.policy}/${version.version}/`) });
  return new Response(`${JSON.stringify(doc, null, 2)}\n`, { headers: { 'content-type': 'application/ld+json; charset=utf-8' } });
};
