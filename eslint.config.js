import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import astro from 'eslint-plugin-astro';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'lib/', 'site-dist/', '.astro/', '.candor-demo/', 'test-artifacts/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  ...astro.configs.recommended,
  {
    // Type-aware rules (issue 12) for TypeScript: the types say which promises float and
    // which switches miss a case. The project service reads tsconfig.json, which covers
    // src/, scripts/, test/ and bin/.
    files: ['**/*.ts'],
    extends: [tseslint.configs.recommendedTypeCheckedOnly],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  {
    // Tests read the CLI's JSON output and fixtures as `any` and check it with expect(): the
    // assertion is the check, so the no-unsafe-* family (115 reports there, none a bug) is
    // off for tests. Every other type-aware rule, promises first, holds for them too.
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      // String() of parsed YAML and JSON scalars is how the workflow stand-in (test/runner/)
      // and the rules read workflow files, as GitHub coerces them; an object there is a
      // malformed fixture, which the test then fails on.
      '@typescript-eslint/no-base-to-string': 'off',
      // Fakes implement async interfaces (close(), a GitHub client) without awaiting anything.
      '@typescript-eslint/require-await': 'off',
    },
  },
  {
    languageOptions: {
      globals: {
        console: 'readonly',
        process: 'readonly',
        URL: 'readonly',
        fetch: 'readonly',
        crypto: 'readonly',
        TextEncoder: 'readonly',
        TextDecoder: 'readonly',
        setTimeout: 'readonly',
        clearTimeout: 'readonly',
        AbortController: 'readonly',
        AbortSignal: 'readonly',
        Response: 'readonly',
        performance: 'readonly',
        Buffer: 'readonly',
      },
    },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The site's browser scripts.
    files: ['src/site/client/**/*.ts'],
    languageOptions: {
      globals: {
        document: 'readonly',
        location: 'readonly',
        HTMLElement: 'readonly',
        HTMLButtonElement: 'readonly',
        HTMLTextAreaElement: 'readonly',
        HTMLTimeElement: 'readonly',
        HTMLParagraphElement: 'readonly',
        HTMLSelectElement: 'readonly',
        HTMLAnchorElement: 'readonly',
        ParentNode: 'readonly',
        Document: 'readonly',
        history: 'readonly',
        URLSearchParams: 'readonly',
      },
    },
  },
  {
    // Test what ships: the CLI is tested through bin/candor.mjs in a child process
    // (test/helpers/candor-bin.ts), never through its functions (issue 10, decision 0008).
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/src/cli/main.ts', '**/src/cli/commands/*'],
              message: 'Run the shipped CLI: candor() from test/helpers/candor-bin.ts, or TestProject.cli.',
            },
          ],
        },
      ],
    },
  },
  // The core is pure: no file system, network, environment, process, ambient clock,
  // timers or randomness, at every depth of src/core/ (test/unit/lint-rules.test.ts).
  // One block per folder depth, so that "leaving src/core/" is exact: from
  // src/core/a/b/x.ts, ../../x escapes it; ../x (src/core/a/x) does not.
  ...[0, 1, 2, 3, 4].map((depth) => ({
    files: [`src/core/${'*/'.repeat(depth)}*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: '^(node:|(fs|path|os|child_process|net|http|https|http2|dgram|dns|tls|worker_threads|process|cluster|readline|vm)(/|$))',
              message: 'The core does no I/O: Node built-ins belong in src/io/.',
            },
            {
              regex: '^(octokit|@octokit/|nodemailer|write-file-atomic|astro)',
              message: 'The core does no I/O: network and file libraries belong in src/io/.',
            },
            { regex: `^(\\.\\./){${depth + 1}}`, message: 'The core imports only the core: src/io, src/cli and src/site import it, not the reverse.' },
          ],
        },
      ],
      'no-restricted-globals': [
        'error',
        ...[
          'fetch',
          'process',
          'performance',
          'setTimeout',
          'setInterval',
          'setImmediate',
          'clearTimeout',
          'clearInterval',
          'require',
          'XMLHttpRequest',
          'WebSocket',
          'Buffer',
          // A browser's storage is I/O too: what the in-browser verifier remembers lives in src/site/client/.
          'localStorage',
          'sessionStorage',
          'indexedDB',
        ].map((name) => ({ name, message: 'The core takes I/O, the clock and timers as parameters.' })),
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The core takes the clock as a parameter.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The core takes the clock as a parameter.' },
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'The core is deterministic.' },
        {
          selector: "MemberExpression[object.name='crypto'][property.name=/^(getRandomValues|randomUUID)$/]",
          message: 'The core is deterministic: randomness comes from the caller.',
        },
        {
          selector:
            "MemberExpression[object.name='globalThis'][property.name=/^(process|fetch|performance|setTimeout|setInterval|setImmediate|require|Date|Buffer|localStorage|sessionStorage|indexedDB)$/]",
          message: 'The core does no I/O and reads no clock, not even through globalThis.',
        },
        { selector: "MetaProperty[meta.name='import'][property.name='meta']", message: 'The core does not depend on where its files are.' },
      ],
    },
  })),
);
