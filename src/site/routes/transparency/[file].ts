// /transparency/<period>.json (canonical, the signed bytes), <period>.json.asc, requests.csv, schema.json.
import type { APIRoute, GetStaticPaths } from 'astro';
import { REPORT_JSON_SCHEMA, reportToJson, reportsToCsv } from '../../../core/report/export.ts';
import { reportData } from '../../data.ts';

export const getStaticPaths = (async () => {
  const { reports, signatures } = await reportData();
  return [
    ...reports.map((r) => ({ params: { file: `${r.id}.json` }, props: { body: reportToJson(r), type: 'application/json' } })),
    ...[...signatures].map(([id, sig]) => ({ params: { file: `${id}.json.asc` }, props: { body: sig, type: 'application/pgp-signature' } })),
    { params: { file: 'requests.csv' }, props: { body: reportsToCsv(reports), type: 'text/csv; charset=utf-8' } },
    { params: { file: 'schema.json' }, props: { body: `${JSON.stringify(REPORT_JSON_SCHEMA, null, 2)}\n`, type: 'application/schema+json' } },
  ];
}) satisfies GetStaticPaths;

export const GET: APIRoute = ({ props }) => {
  const { body, type } = props as { body: string; type: string };
  return new Response(body, { headers: { 'content-type': type } });
};
