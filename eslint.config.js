import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'output/**', '.datawarp/**', 'bin/**', '.demo/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
    },
  },
  {
    // the house: small files, short functions (blank and comment lines not counted); import circles and imports of
    // src/cli/ from outside it are checked by scripts/check-imports.mjs (part of `npm run lint`)
    files: ['src/**/*.ts'],
    rules: {
      'max-lines': ['error', { max: 300, skipBlankLines: true, skipComments: true }],
      'max-lines-per-function': ['error', { max: 80, skipBlankLines: true, skipComments: true }],
    },
  },
  {
    // a focused test would make CI pass on one test (vitest.config.ts also sets allowOnly: false)
    files: ['test/**/*.ts'],
    rules: {
      // it.only, describe.only, it.skipIf(x).only, test.each(t).only ...: any `.only` in a test file
      'no-restricted-syntax': [
        'error',
        { selector: "MemberExpression[property.name='only']", message: 'no focused tests: remove .only' },
      ],
    },
  },
);
