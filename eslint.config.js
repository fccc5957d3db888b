// Lint = style + layering. The zones below are ARCHITECTURE §2's import table: a wrong import
// fails `npm test` ("bad layering"), as in VS Code.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import importX from 'eslint-plugin-import-x';
import reactHooks from 'eslint-plugin-react-hooks';
import globals from 'globals';

const folders = ['contract', 'lib', 'db', 'drivers', 'terminal', 'electron', 'renderer', 'gateway', 'cli'];
const allowed = {
  contract: [],
  lib: ['contract'],
  db: ['contract', 'lib'],
  drivers: ['contract', 'lib'],
  terminal: ['contract', 'lib', 'db', 'drivers'],
  electron: ['contract', 'terminal'],
  renderer: ['contract'],
  gateway: ['contract', 'lib'],
  cli: ['contract', 'lib', 'db', 'drivers', 'terminal', 'electron', 'gateway'],
};
const zones = Object.entries(allowed).flatMap(([target, ok]) =>
  folders
    .filter((f) => f !== target && !ok.includes(f))
    .map((from) => ({
      target: `./${target}`,
      from: `./${from}`,
      message: `bad layering: ${target}/ may not import ${from}/ (ARCHITECTURE §2)`,
    })),
);

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http'];

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'coverage/**', '.data/**', '.scratch/**', '.native/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json', './tsconfig.tests-web.json'],
        tsconfigRootDir: import.meta.dirname,
      },
    },
    plugins: { 'import-x': importX },
    rules: {
      'import-x/no-restricted-paths': ['error', { zones }],
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  {
    files: ['contract/**'],
    ignores: ['contract/**/*.test.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [{ regex: '^(?!zod$|\\.\\.?/)', message: 'contract/ uses only zod (ARCHITECTURE §2)' }] },
      ],
    },
  },
  {
    files: ['renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      ...reactHooks.configs.recommended.rules,
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: [...nodeBuiltins, 'better-sqlite3', 'serialport', 'node-hid', 'electron', 'ws', 'pino'],
              message: 'renderer/ talks only through window.pos (ARCHITECTURE §2)',
            },
          ],
        },
      ],
    },
  },
  {
    files: ['terminal/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'terminal/ never imports electron (ARCHITECTURE §2)' }] },
      ],
    },
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
);
