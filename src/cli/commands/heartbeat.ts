/**
 * The machine's side: issue the next heartbeat with a proof of freshness, sign it with
 * the CI key, check it against the attestation, and add it to the archive.
 */
import type { Command } from 'commander';
import { composeHeartbeat } from '../../core/canary/compose.ts';
import { ContentError, FreshnessError } from '../../core/errors.ts';
import type { BitcoinProof, Headline } from '../../core/freshness.ts';
import { signDocument } from '../../core/pgp/sign.ts';
import { REASONS } from '../../core/verify/reasons.ts';
import { verifyCanary } from '../../core/verify/verify-canary.ts';
import { archive, latestAttestation, latestHeartbeat } from '../../io/archive.ts';
import { fetchBlockProof } from '../../io/explorers.ts';
import { relative } from '../../io/files.ts';
import { fetchHeadlines } from '../../io/headlines.ts';
import { readKeyFolder, readSigningKey } from '../../io/keyring.ts';
import { readCanaryContent, type CanaryContent } from '../../io/read-content.ts';
import type { Context } from '../context.ts';
import { keySourceOptions, toKeySource } from './attest.ts';

interface HeartbeatFlags {
  ifDue?: boolean;
  freshness: boolean;
  key?: string;
  keyEnv?: string;
  passphraseFile?: string;
  passphraseEnv?: string;
}

async function freshness(content: CanaryContent, flags: HeartbeatFlags, ctx: Context): Promise<{ bitcoin?: BitcoinProof; headlines?: Headline[] }> {
  const f = content.config.freshness;
  if (!flags.freshness) {
    if (f.required)
      throw new ContentError('COMPOSE_REFUSED', '--no-freshness while a proof is required', {
        file: 'content/canary/canary.yml',
        field: 'freshness.required',
        expected: 'false to allow heartbeats without a proof',
        received: true,
      });
    ctx.io.err('warning: no proof of freshness (--no-freshness)');
    return {};
  }
  const bitcoin = await fetchBlockProof({ sources: f.bitcoin.sources, depth: f.bitcoin.depth, minSources: f.bitcoin.minSources }).catch((error: unknown) => {
    if (f.required) throw error;
    ctx.io.err(`warning: no proof of freshness: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  });
  if (bitcoin && Date.parse(bitcoin.time) > ctx.now.getTime()) {
    throw new FreshnessError('SOURCE_BAD_RESPONSE', 'the block is dated after now', {
      field: 'bitcoin.time',
      expected: `before ${ctx.now.toISOString()}`,
      received: bitcoin.time,
      hint: 'Miners may date a block up to two hours ahead; run again later or raise the depth.',
    });
  }
  const headlines = f.headlines
    ? await fetchHeadlines({ feeds: f.headlines.feeds, perFeed: f.headlines.perFeed, now: ctx.now, maxAgeHours: f.headlines.maxAgeHours })
    : undefined;
  return { ...(bitcoin ? { bitcoin } : {}), ...(headlines ? { headlines } : {}) };
}

function notDue(
  previous: { data: { issued: string; attestation: { hash: string } } } | undefined,
  att: { hash: string; data: { expires: string } },
  intervalHours: number,
  now: Date,
): boolean {
  if (!previous || previous.data.attestation.hash !== att.hash) return false;
  // An expired attestation is always due: the run goes on to refuse it, and fails every day
  // until a renewal is merged, whatever the interval (a weekly heartbeat would hide it for days).
  if (Date.parse(att.data.expires) <= now.getTime()) return false;
  // An hour of slack: a scheduled run that starts a little early still issues.
  return now.getTime() < Date.parse(previous.data.issued) + (intervalHours - 1) * 3_600_000;
}

export async function issueHeartbeat(flags: HeartbeatFlags, ctx: Context): Promise<string | null> {
  const att = await latestAttestation(ctx.project);
  if (!att)
    throw new ContentError('FILE_MISSING', 'no attestation in the archive', {
      file: relative(ctx.project.root, ctx.project.archive),
      hint: 'The signers publish one first: candor canary attest prepare / sign / publish',
    });
  const previous = await latestHeartbeat(ctx.project);
  if (flags.ifDue && notDue(previous, att, att.data.heartbeat.intervalHours, ctx.now)) {
    ctx.io.out(`Heartbeat ${previous!.data.sequence} (${previous!.data.issued}) is recent: not due yet.`);
    return null;
  }
  const content = await readCanaryContent(ctx.project);
  const key = await readSigningKey(toKeySource(flags), ctx.env);
  const { data, text } = composeHeartbeat(
    {
      attestation: { data: att.data, hash: att.hash },
      freshness: await freshness(content, flags, ctx),
      ...(previous ? { previous: { data: previous.data, hash: previous.hash } } : {}),
    },
    { now: ctx.now },
  );
  const signed = await signDocument(text, [key], { now: ctx.now });
  await selfCheck(signed, att.signed, ctx);
  const file = await archive(ctx.project, 'heartbeat', data.sequence, signed);
  ctx.io.out(`Issued heartbeat ${data.sequence} (expires ${data.expires}): ${relative(ctx.project.root, file)}`);
  return file;
}

/** Never archive a heartbeat that our own verifier would reject. */
async function selfCheck(heartbeat: string, attestation: string, ctx: Context): Promise<void> {
  const keys = (await readKeyFolder(ctx.project.keys, ctx.project.root)).filter((f) => !f.retired).flatMap((f) => f.keys);
  const result = await verifyCanary({ attestation, heartbeat, keys, pins: [] }, { now: ctx.now, skewSeconds: 300 });
  const blocking = result.reasons.filter((r) => r.subject === 'heartbeat' && REASONS[r.code] === 'invalid');
  if (blocking.length > 0) {
    throw new ContentError('COMPOSE_REFUSED', 'the new heartbeat does not verify', {
      expected: 'a heartbeat that candor verify accepts',
      received: blocking.map((r) => `${r.code}: ${r.message}`).join('; '),
      hint: 'Check that the CI key is listed under heartbeat.keys and its public key is in keys/.',
    });
  }
}

export function heartbeatCommand(canary: Command, ctx: () => Context): void {
  keySourceOptions(canary.command('heartbeat').description('issue, sign and archive the next heartbeat (the CI key)'))
    .option('--if-due', 'do nothing if the last heartbeat is younger than the interval')
    .option('--no-freshness', 'skip the proof of freshness (refused when canary.yml requires one)')
    .action(async (flags: HeartbeatFlags) => {
      await issueHeartbeat(flags, ctx());
    });
}
