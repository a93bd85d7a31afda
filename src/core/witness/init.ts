/**
 * What `candor witness init` writes: the list of logs to edit, and a scheduled GitHub
 * workflow for a witness's own repository (docs/witness.md#a-witness-repository) running
 * `candor witness check`. It follows the project's workflows (docs/workflows.md): least
 * permissions, actions pinned to the commits the shipped workflows pin, the installed
 * candor after `npm ci` (decision 0026), the witness key given to the check step alone,
 * and runs that never overlap (one record per log, one writer).
 */
import type { PinnedActions } from '../watch/init.ts';

export const WITNESS_STATE_DIR = 'witness-state';
export const WITNESS_OUT_DIR = 'cosigned';

export const WITNESS_CONFIG_TEMPLATE = `# The logs this witness cosigns (docs/witness.md#the-list-of-logs). For each: its origin
# (the first line of its checkpoints), its key, pinned from the operator through another
# channel than the site itself, and the site that publishes it. Replace the example.
logs:
  # - origin: lumen-mail.example/canary/log
  #   key: "lumen-mail.example/canary/log+1a2b3c4d+AQ…"
  #   site: https://lumen-mail.example/
`;

export function witnessWorkflow(uses: PinnedActions): string {
  return `# candor witness check on a schedule (docs/witness.md#a-witness-repository): read each log
# of ${WITNESS_STATE_DIR}/witness.yml, cosign it if it extends what this witness cosigned, and commit
# the record (${WITNESS_STATE_DIR}/logs/) and the cosigned checkpoints (${WITNESS_OUT_DIR}/<origin>/checkpoint).
# A fork or a rollback fails the run (exit 1): GitHub then tells you, and nothing is cosigned.
name: witness
on:
  schedule:
    - cron: '23 * * * *'
  workflow_dispatch:
permissions: {}
# One run at a time: two runs must not both check against the same record.
concurrency:
  group: witness
  cancel-in-progress: false
jobs:
  check:
    # Only the default branch holds the witness's record.
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-24.04
    timeout-minutes: 15
    permissions:
      contents: write # commit ${WITNESS_STATE_DIR}/ and ${WITNESS_OUT_DIR}/
    steps:
      - uses: ${uses.checkout}
        with:
          ref: \${{ github.ref }}
          # The token is given to the push alone, not left in .git/config.
          persist-credentials: false
      - uses: ${uses.setupNode}
        with:
          node-version: 24
      - run: npm ci --no-audit --no-fund
      # The installed candor for the steps below (docs/decisions/0026).
      - run: echo "$PWD/node_modules/.bin" >> "$GITHUB_PATH"
      - run: candor witness check --state ${WITNESS_STATE_DIR} --out ${WITNESS_OUT_DIR}
        # The witness key, to this step only (docs/witness.md#keys).
        env:
          CANDOR_WITNESS_KEY: \${{ secrets.CANDOR_WITNESS_KEY }}
      # After a refusal too: the logs that were cosigned stay cosigned.
      - name: Commit the record and the cosignatures
        if: \${{ !cancelled() }}
        run: |
          git config user.name "candor witness"
          git config user.email "candor-witness@users.noreply.github.com"
          git add ${WITNESS_STATE_DIR} ${WITNESS_OUT_DIR}
          if git diff --cached --quiet; then exit 0; fi
          git commit -m "candor witness: cosigned at $(date -u +%Y-%m-%dT%H:%MZ)"
          git push "https://x-access-token:\${GITHUB_TOKEN}@github.com/\${GITHUB_REPOSITORY}.git" "HEAD:\${GITHUB_REF_NAME}"
        env:
          GITHUB_TOKEN: \${{ github.token }}
`;
}
