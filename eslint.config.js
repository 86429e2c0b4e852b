// Lint: the recommended JavaScript and TypeScript rules; the type checker does the rest.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'test-output/', '.athanor/', '.scratch/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
      // `{}` is the empty config shape the builders intersect onto.
      '@typescript-eslint/no-empty-object-type': ['error', { allowObjectTypes: 'always' }],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    // Plain JavaScript files run on Node: its globals.
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'fetch', 'performance', 'AbortController', 'setTimeout', 'clearTimeout', 'Buffer'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
