// Lint: typescript-eslint's recommended rules, React hooks rules, and the layering rules
// of the architecture: core never imports electron, the renderer never imports Node,
// shared imports neither.
import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import reactHooks from 'eslint-plugin-react-hooks'
import globals from 'globals'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'child_process', 'crypto', 'http', 'net', 'worker_threads', 'stream', 'zlib', 'util']

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', 'test-results/**', 'playwright-report/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-require-imports': 'off'
    }
  },
  {
    files: ['electron/core/**/*.ts', 'electron/cli/**/*.ts', 'electron/web/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'electron', message: 'core, cli and web never import electron: keep behaviour testable in plain Node.' }] }]
    }
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'react-hooks/exhaustive-deps': 'off',
      // Our effects start async loads whose setState runs after an await; the rule cannot tell.
      'react-hooks/set-state-in-effect': 'off',
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'The renderer reaches the core only through the API client.' }],
          patterns: [
            { group: nodeBuiltins, message: 'The renderer never imports Node modules.' },
            { group: ['**/electron/**'], message: 'The renderer imports only shared/ and its own modules.' }
          ]
        }
      ]
    }
  },
  {
    files: ['shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [{ name: 'electron', message: 'shared/ is imported by both sides: no electron.' }],
          patterns: [
            { group: nodeBuiltins, message: 'shared/ is imported by both sides: no Node modules.' },
            { group: ['**/electron/**', '**/renderer/**'], message: 'shared/ depends on nothing of the app.' }
          ]
        }
      ]
    }
  }
)
