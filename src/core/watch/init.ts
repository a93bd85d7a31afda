/**
 * What `candor watch init` writes: a watch list to edit, and a scheduled GitHub workflow
 * for a watcher's own repository (docs/watch.md#a-watch-repository). The workflow follows
 * the project's own (docs/workflows.md): least permissions, actions pinned to the commits
 * the shipped workflows pin, the installed candor on PATH after `npm ci` (decision 0026,
 * never npx), and the state committed after every run, lapse or not, like the ledger.
 */

export const WATCH_LIST_TEMPLATE = `# The canaries this repository watches (docs/watch.md#watchyml).
# Replace the example with the sites you depend on, pinning the fingerprints you got from
# them through another channel, or trusting the first keys seen (tofu: true).
sites:
  - name: example
    url: https://lumen-mail.example/
    kind: candor
    tofu: true
    intervalHours: 24
    unknownAfter: 3
page:
  title: Canaries we watch
  tagDate: '${'2026'}'
`;

export interface PinnedActions {
  /** \`actions/checkout@<commit> # vX\`, as the shipped workflows have it. */
  checkout: string;
  setupNode: string;
}

export function watchWorkflow(uses: PinnedActions): string {
  return `# candor watch on a schedule (docs/watch.md#a-watch-repository): check every canary of
# watch.yml, write the status page and feed to status/, send the alerts, and commit the
# state (watch-state/, its alert ledger included) so the next run remembers what it saw.
# A lapsed, tripped or invalid canary fails the run (its exit code): GitHub then tells you.
name: watch
on:
  schedule:
    - cron: '17 */6 * * *'
  workflow_dispatch:
permissions: {}
concurrency:
  group: watch
  cancel-in-progress: false
jobs:
  watch:
    # Only the default branch commits state.
    if: github.ref == 'refs/heads/main'
    runs-on: ubuntu-24.04
    timeout-minutes: 30
    permissions:
      contents: write # commit watch-state/ and status/
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
      - run: candor watch --list watch.yml --state watch-state --out status
        # Only what alerts need (docs/watch.md#alerts); unset secrets are empty, unused.
        env:
          WATCH_WEBHOOK_SECRET: \${{ secrets.WATCH_WEBHOOK_SECRET }}
          WATCH_SMTP_USER: \${{ secrets.WATCH_SMTP_USER }}
          WATCH_SMTP_PASSWORD: \${{ secrets.WATCH_SMTP_PASSWORD }}
          CANDOR_SIGNING_KEY: \${{ secrets.WATCH_SIGNING_KEY }}
          CANDOR_PASSPHRASE: \${{ secrets.WATCH_PASSPHRASE }}
      # After a lapse too: what the watcher saw must not be forgotten.
      - name: Commit the state
        if: \${{ !cancelled() }}
        run: |
          git config user.name "candor watch"
          git config user.email "candor-watch@users.noreply.github.com"
          # A run that stopped before writing anything leaves nothing to add, not an error.
          mkdir -p watch-state status
          git add watch-state status
          if git diff --cached --quiet; then exit 0; fi
          git commit -m "candor watch: state of $(date -u +%Y-%m-%dT%H:%MZ)"
          # The token as an HTTP header of this one push: never in .git/config, a URL or a command line.
          basic=$(printf 'x-access-token:%s' "$GITHUB_TOKEN" | base64 -w0)
          GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0="http.$GITHUB_SERVER_URL/.extraheader" GIT_CONFIG_VALUE_0="AUTHORIZATION: basic $basic" \\
            git push "$GITHUB_SERVER_URL/$GITHUB_REPOSITORY" "HEAD:$GITHUB_REF_NAME"
        env:
          GITHUB_TOKEN: \${{ github.token }}
`;
}

/** The pinned \`uses:\` of an action in a workflow's text, e.g. actions/checkout@<40 hex> # v5.0.0. */
export function pinnedUse(workflow: string, action: string): string | undefined {
  const escaped = action.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  return new RegExp(`uses: (${escaped}@[0-9a-f]{40}(?: # \\S+)?)`).exec(workflow)?.[1];
}
