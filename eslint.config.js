// Lint rules that also enforce the runtime boundaries of ARCHITECTURE.md §2:
// shared/ is pure, renderer/ never reaches into electron/, only main.ts and preload.ts import electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import reactHooks from 'eslint-plugin-react-hooks';

const nodeBuiltins = '^(node:.*|fs|path|os|crypto|child_process|net|http|https|stream|events|url|util|zlib|worker_threads)(/.*)?$';
const electronOnly = { regex: '^electron(/.*)?$', message: 'Only electron/main.ts and electron/preload.ts may import electron.' };

export default tseslint.config(
  { ignores: ['node_modules/', 'dist/', 'dist-electron/', 'release/', 'test-results/', 'playwright-report/', 'e2e/.tmp/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      parserOptions: { projectService: false },
    },
    rules: {
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-definitions': ['error', 'type'],
      'no-console': 'off',
    },
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { regex: nodeBuiltins, message: 'shared/ is pure: no Node imports.' },
        { group: ['react', 'react-dom', 'react/*', 'zustand', '@zxing/*'], message: 'shared/ is pure: no DOM libraries.' },
        { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ imports neither electron/ nor renderer/.' },
        electronOnly,
      ] }],
      'no-restricted-globals': ['error', 'window', 'document', 'process', 'Buffer', 'navigator', 'localStorage'],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': ['error', { patterns: [
        { regex: nodeBuiltins, message: 'renderer/ runs in the sandboxed page: no Node imports.' },
        { group: ['**/electron/**', 'better-sqlite3', 'serialport', '@serialport/*'], message: 'renderer/ never imports the host.' },
        electronOnly,
      ] }],
      'no-restricted-globals': ['error', 'process', 'Buffer', 'require'],
    },
  },
  {
    files: ['electron/**/*.ts', 'scripts/**/*.ts', 'bench/**/*.ts', 'e2e/**/*.ts'],
    ignores: ['electron/main.ts', 'electron/preload.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        electronOnly,
        { group: ['**/renderer/**'], message: 'The host does not import the renderer.' },
      ] }],
    },
  },
);
