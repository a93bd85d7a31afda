// /.well-known/privacy.txt (the privacy.txt draft) and /.well-known/gpc.json (Global Privacy
// Control), from the policies in force (src/core/policy/exports/well-known.ts). One dynamic
// route: a file the facts do not call for is not built at all.
import type { APIRoute, GetStaticPaths } from 'astro';
import { composeGpcJson, composePrivacyTxt, mainPolicy } from '../../../core/policy/exports/well-known.ts';
import { policyData, siteData } from '../../data.ts';
import { absolute } from '../../url.ts';

export const getStaticPaths = (async () => {
  const { policies } = await policyData();
  const { service } = (await siteData()).content;
  const main = mainPolicy(policies);
  const inForce = policies.flatMap((p) => (p.current ? [p.current] : []));
  const privacyTxt = composePrivacyTxt({
    service,
    policy:
      main?.current === undefined
        ? undefined
        : {
            version: main.current,
            page: absolute(service.url, `/policies/${main.id}/`),
            text: absolute(service.url, `/policies/${main.id}/${main.current.version}.txt`),
          },
    inForce,
  });
  const gpc = composeGpcJson(inForce);
  return [
    ...(privacyTxt ? [{ params: { file: 'privacy.txt' }, props: { body: privacyTxt, type: 'text/plain; charset=utf-8' } }] : []),
    ...(gpc ? [{ params: { file: 'gpc.json' }, props: { body: gpc, type: 'application/json; charset=utf-8' } }] : []),
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  const { body, type } = props as { body: string; type: string };
  return new Response(body, { headers: { 'content-type': type } });
};
