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
