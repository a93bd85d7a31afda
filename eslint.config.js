import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'site-dist/', '.astro/', '.candor-demo/', 'test-artifacts/', '**/*.astro'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', URL: 'readonly', fetch: 'readonly', crypto: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', AbortController: 'readonly', AbortSignal: 'readonly', Response: 'readonly', performance: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The site's browser scripts.
    files: ['src/site/client/**/*.ts'],
    languageOptions: { globals: { document: 'readonly', location: 'readonly', HTMLElement: 'readonly', HTMLButtonElement: 'readonly', HTMLTextAreaElement: 'readonly', HTMLTimeElement: 'readonly', HTMLParagraphElement: 'readonly', HTMLSelectElement: 'readonly', HTMLAnchorElement: 'readonly', ParentNode: 'readonly', Document: 'readonly', history: 'readonly', URLSearchParams: 'readonly' } },
  },
  {
    // Test what ships: the CLI is tested through bin/candor.mjs in a child process
    // (test/helpers/candor-bin.ts), never through its functions (issue 10, decision 0008).
    files: ['test/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: ['**/src/cli/main.ts', '**/src/cli/commands/*'], message: 'Run the shipped CLI: candor() from test/helpers/candor-bin.ts, or TestProject.cli.' }] }],
    },
  },
  {
    // The core is pure: no file system, network, environment or ambient clock.
    files: ['src/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: ['node:*', 'fs', 'child_process', 'octokit', 'astro:*', '../io/*', '../cli/*'] }],
      'no-restricted-globals': ['error', 'fetch', 'process'],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: 'The core takes the clock as a parameter.' },
        { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: 'The core takes the clock as a parameter.' },
        { selector: "MemberExpression[object.name='Math'][property.name='random']", message: 'The core is deterministic.' },
      ],
    },
  },
);
