/**
 * The workflows' steps that do more than one thing, as commands of the installed package:
 * an operator's repository has no scripts/ of its own, so its workflows run
 * `npx candor publish heartbeat`, `npx candor watchdog`, `npx candor pr review`, … and so
 * do this repository's (the demo service is built with the same commands). The logic
 * lives in scripts/ (publish.ts, watchdog.ts, pr-review.ts, post-pr-comment.ts,
 * docs/workflows.md); this file maps flags onto them and their failures onto exit codes.
 */
import type { Command } from 'commander';
import { isCandorError } from '../../core/errors.ts';
import type { Context } from '../context.ts';

type Done = (code: number) => void;

/** A step's own failure (a push refused, GitHub down) is its name and the reason, exit 1, as the scripts say it; a typed error goes up to the CLI. */
async function step(name: string, done: Done, ctx: Context, body: () => Promise<number>): Promise<void> {
  try {
    done(await body());
  } catch (error) {
    if (isCandorError(error)) throw error;
    ctx.io.err(`${name}: ${(error as Error)?.message ?? String(error)}`);
    done(1);
  }
}

/** The flags a script's own parser reads, from the parsed options: only those given. */
function argv(flags: Record<string, string | boolean | undefined>): string[] {
  return Object.entries(flags).flatMap(([name, value]) =>
    value === undefined || value === false ? [] : value === true ? [`--${name}`] : [`--${name}`, value],
  );
}

/** The clock a script should use: --now as given (else the script reads $CANDOR_NOW, as the CLI does). */
const nowOf = (c: Context): string => c.now.toISOString();

export function stepCommands(program: Command, ctx: () => Context, done: Done): void {
  const publish = program.command('publish').description("the publish workflow's steps that commit and push (docs/workflows.md)");
  publish
    .command('heartbeat')
    .description('issue the heartbeat when due, commit and push it to the archive; writes sha=… to $GITHUB_OUTPUT')
    .action(async () => {
      const c = ctx();
      await step('publish', done, c, async () => {
        const { heartbeatStep } = await import('../../../scripts/publish.ts');
        await heartbeatStep({ root: c.project.root, env: c.env, now: c.now });
        return 0;
      });
    });
  publish
    .command('notify')
    .description('send what is due (candor notify), then commit and push the ledger, even when a channel failed')
    .action(async () => {
      const c = ctx();
      await step('publish', done, c, async () => {
        const { notifyStep } = await import('../../../scripts/publish.ts');
        return (await notifyStep({ root: c.project.root, env: c.env })).code;
      });
    });

  program
    .command('watchdog')
    .description('open, update or close the watchdog issue and e-mail the operators (GITHUB_TOKEN, GITHUB_REPOSITORY)')
    .option('--dry-run', 'print the problems; touch nothing')
    .action(async (flags: { dryRun?: boolean }) => {
      const c = ctx();
      await step('watchdog', done, c, async () => {
        const { main } = await import('../../../scripts/watchdog.ts');
        return main(argv({ root: c.project.root, now: nowOf(c), 'dry-run': flags.dryRun }), c.env);
      });
    });

  const pr = program.command('pr').description("the pull-request review: pr-check's body (untrusted side), pr-comment's post (privileged side)");
  pr.command('review')
    .description("write the review comment's body for the changes since --base (stdout, or DIR/body.md and meta.json)")
    .requiredOption('--base <ref>', 'the published state, e.g. origin/main')
    .option('--head <ref>', 'the proposed state', 'HEAD')
    .option('--pr <n>', 'the pull request number (for meta.json)')
    .option('--head-sha <sha>', "the pull request's head commit (for meta.json)")
    .option('--out-dir <dir>', 'write body.md and meta.json here')
    .action(async (flags: { base: string; head: string; pr?: string; headSha?: string; outDir?: string }) => {
      const c = ctx();
      await step('pr review', done, c, async () => {
        const { main } = await import('../../../scripts/pr-review.ts');
        const args = {
          base: flags.base,
          head: flags.head,
          root: c.project.root,
          now: nowOf(c),
          pr: flags.pr,
          'head-sha': flags.headSha,
          'out-dir': flags.outDir,
        };
        return main(argv(args), c.env);
      });
    });
  pr.command('comment')
    .description('post or update the one review comment from the body artifact (GITHUB_TOKEN, HEAD_SHA, RUN_URL, CONCLUSION)')
    .requiredOption('--dir <dir>', 'the downloaded pr-review artifact')
    .action(async (flags: { dir: string }) => {
      const c = ctx();
      await step('pr comment', done, c, async () => {
        const { main } = await import('../../../scripts/post-pr-comment.ts');
        return main(['--dir', flags.dir], c.env);
      });
    });
}
