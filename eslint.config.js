// Flat ESLint config: typescript-eslint for the TypeScript (server, CLI, tests, dashboard) and eslint-plugin-svelte
// for the dashboard's components. `npm run lint` fails on any warning.
import js from '@eslint/js';
import svelte from 'eslint-plugin-svelte';
import globals from 'globals';
import ts from 'typescript-eslint';

export default ts.config(
  { ignores: ['node_modules/', 'dist/', 'web/dist/', '.data/', 'coverage/', '.artifacts/', 'test/fixtures/**/*.js'] },
  js.configs.recommended,
  ...ts.configs.recommended,
  ...svelte.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      // `_name` marks a value deliberately left unused (a rest sibling dropped from options, a callback argument).
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', ignoreRestSiblings: true }],
    },
  },
  {
    // Workflow code is deterministic: activities are imported as types only (proxyActivities), never run here.
    files: ['workflows/**/*.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': [
        'error',
        {
          patterns: [
            { group: ['**/activities', '**/activities/**'], allowTypeImports: true, message: 'import activities as types only (proxyActivities)' },
            { group: ['node:*', '**/core/**', '**/api/**'], message: 'workflow code must stay deterministic: no Node built-ins, no I/O' },
          ],
        },
      ],
    },
  },
  {
    // These files match control characters on purpose: rejecting them in paths, stripping them from terminal output.
    files: ['api/protocol/fast-path.ts', 'cli/terminal-safe.ts', 'cli/terminal-safe.test.ts'],
    rules: { 'no-control-regex': 'off' },
  },
  {
    files: ['web/**/*.ts', 'web/**/*.svelte', 'web/**/*.svelte.ts'],
    languageOptions: { globals: { ...globals.browser } },
  },
  {
    files: ['**/*.svelte', '**/*.svelte.ts'],
    languageOptions: { parserOptions: { parser: ts.parser, extraFileExtensions: ['.svelte'] } },
  },
);
