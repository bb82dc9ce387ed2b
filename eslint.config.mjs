import tseslint from 'typescript-eslint';
import noSqliteExecutors from './scripts/eslint/no-sqlite-executors.mjs';
import transactionUsesItsCtx from './scripts/eslint/transaction-uses-its-ctx.mjs';

// Type-aware checks that tsc does not make (issue 17: the data layer is asynchronous). A promise
// nobody awaits compiles, and then a write lands late or its error is an unhandled rejection;
// awaiting something that is not a promise hides a function that was meant to be async. Run by
// `npm test` (scripts/test.sh) beside the type check; `npx eslint .` runs it alone.
export default tseslint.config(
  {
    ignores: ['scripts/eslint/fixtures/**', '.next/**', 'node_modules/**', '.e2e/**', 'reports/**', '.stryker-tmp/**', 'test-results/**', 'playwright-report/**', 'next-env.d.ts', '**/*.mjs', '**/*.js'],
  },
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: {
      parser: tseslint.parser,
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    plugins: { '@typescript-eslint': tseslint.plugin, portcullis: { rules: { 'no-sqlite-executors': noSqliteExecutors, 'transaction-uses-its-ctx': transactionUsesItsCtx } } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: { attributes: false } }],
      '@typescript-eslint/await-thenable': 'error',
    },
  },
  {
    // Everything above db/ runs on either engine. db/ implements the layer (and its tests misuse
    // it on purpose, to show what happens on each engine).
    files: ['lib/**/*.ts', 'app/**/*.ts', 'app/**/*.tsx', 'components/**/*.tsx', 'scripts/**/*.ts', 'e2e/**/*.ts', 'proxy.ts'],
    rules: { 'portcullis/no-sqlite-executors': 'error', 'portcullis/transaction-uses-its-ctx': 'error' },
  },
);
