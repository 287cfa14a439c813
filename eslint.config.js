// ESLint flat config: typescript-eslint's type-aware rules over every TypeScript file the project type-checks.
// Formatting is prettier's job (`npm run format`), so no stylistic rules here.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // docs/examples/testcontainers is outside tsconfig.json (it needs a package only test/packed installs)
  { ignores: ['dist/', 'node_modules/', 'coverage/', 'bench/results/', 'docs/examples/testcontainers/'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    // a disable comment that no longer suppresses anything is an error: each one must name a finding it is for
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/no-unsafe-argument': 'error',
      '@typescript-eslint/no-unsafe-assignment': 'error',
      '@typescript-eslint/no-unsafe-call': 'error',
      '@typescript-eslint/no-unsafe-member-access': 'error',
      '@typescript-eslint/no-unsafe-return': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['**/*.js'],
    extends: [tseslint.configs.disableTypeChecked],
  },
  {
    // the docs' JavaScript examples (node's test runner) run on Node
    files: ['docs/examples/**/*.js'],
    languageOptions: { globals: { console: 'readonly', fetch: 'readonly', process: 'readonly', URL: 'readonly' } },
  },
);
