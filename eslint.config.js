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
    // DESIGN.md: ui/ runs in browsers — no Node modules, and nothing of core but shared
    // types and the browser-safe config validator.
    files: ['ui/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { regex: '^node:', message: 'ui/ runs in the browser: no Node modules' },
          { regex: '^(\\.\\./)+(storage|plugins)/', message: 'ui/ talks to the server over HTTP only' },
        ],
      }],
    },
  },
  {
    files: ['ui/**/*.js'],
    languageOptions: { globals: { document: 'readonly', location: 'readonly', URLSearchParams: 'readonly' } },
  },
  {
    files: ['**/*.js', '**/*.mjs'],
    ignores: ['ui/**'],
    // Plain JavaScript files run on Node: its globals.
    languageOptions: {
      globals: Object.fromEntries(
        ['process', 'console', 'URL', 'fetch', 'performance', 'AbortController', 'setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Buffer'].map((name) => [name, 'readonly']),
      ),
    },
  },
);
