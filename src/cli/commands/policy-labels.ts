/**
 * `candor policy labels [--store apple|google] [--json]`: the app-store privacy forms'
 * answers from the facts of every policy in force (src/core/policy/exports/store-labels.ts).
 */
import type { Command } from 'commander';
import { UsageError } from '../../core/errors.ts';
import { see } from '../../core/docs-links.ts';
import { currentVersion } from '../../core/policy/changelog.ts';
import type { PolicyVersion } from '../../core/policy/model.ts';
import { renderLabels, STORE_FORMS, storeLabels } from '../../core/policy/exports/store-labels.ts';
import { readPolicies } from '../../io/read-policies.ts';
import type { Context } from '../context.ts';

interface LabelFlags {
  store?: string;
  json?: boolean;
}

export async function policyLabels(flags: LabelFlags, ctx: Context): Promise<void> {
  const stores = flags.store === undefined ? (['apple', 'google'] as const) : [flags.store];
  const forms = stores.map((s) => {
    if (s !== 'apple' && s !== 'google')
      throw new UsageError('USAGE', 'no such store', {
        field: '--store',
        expected: 'apple or google',
        received: s,
        hint: see('app-store-labels', 'Leave --store out for both forms.'),
      });
    return STORE_FORMS[s];
  });
  const set = await readPolicies(ctx.project);
  const inForce = [...set.policies.values()].map((versions) => currentVersion(versions, ctx.now)).filter((v): v is PolicyVersion => v !== undefined);
  if (inForce.length === 0)
    throw new UsageError('USAGE', 'no policy is in force', {
      field: 'content/policies/',
      expected: 'a policy version whose effective date has come',
      received: set.policies.size === 0 ? 'no policy' : 'only upcoming versions',
      hint: see('app-store-labels', '`candor policy list` shows every version and when it takes effect.'),
    });
  const labels = forms.map((f) => storeLabels(inForce, f));
  if (flags.json) {
    ctx.io.out(JSON.stringify({ policies: inForce.map((v) => ({ policy: v.policy, version: v.version })), labels }, null, 2));
    return;
  }
  ctx.io.out(`From the facts of ${inForce.map((v) => `${v.policy} ${v.version}`).join(', ')} (in force ${ctx.now.toISOString().slice(0, 10)}).\n`);
  ctx.io.out(labels.map(renderLabels).join('\n\n'));
}

export function labelsCommand(policy: Command, ctx: () => Context): void {
  policy
    .command('labels')
    .description("answers for the app stores' privacy forms (Apple's App Privacy, Google Play's Data safety), from the facts in force")
    .option('--store <store>', 'apple or google (default: both)')
    .option('--json', 'machine-readable output')
    .action(async (flags: LabelFlags) => {
      await policyLabels(flags, ctx());
    });
}
