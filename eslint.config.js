// Lint = style + layering. The layering rules are ARCHITECTURE §2's import table: a wrong import
// fails `npm test` ("bad layering"), as in VS Code. They use ESLint's own no-restricted-imports
// (every project folder is top level, so a cross-folder import is `../` + folder), which needs no
// resolver plugin and so no per-platform native binaries in the lock file.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
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

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'child_process', 'net', 'http'];

/** Extra import bans per folder, beyond the layering table. */
const extra = {
  contract: [{ regex: '^(?!zod$|\\.\\.?/)', message: 'contract/ uses only zod (ARCHITECTURE §2)' }],
  renderer: [
    {
      group: [...nodeBuiltins, 'better-sqlite3', 'serialport', 'node-hid', 'electron', 'ws', 'pino'],
      message: 'renderer/ talks only through window.pos (ARCHITECTURE §2)',
    },
  ],
  terminal: [{ regex: '^electron$', message: 'terminal/ never imports electron (ARCHITECTURE §2)' }],
};

const layering = Object.entries(allowed).map(([folder, ok]) => {
  const banned = folders.filter((f) => f !== folder && !ok.includes(f));
  const patterns = [
    ...(banned.length
      ? [
          {
            regex: `^(\\.\\./)+(${banned.join('|')})(/|$)`,
            message: `bad layering: ${folder}/ may import only ${ok.length ? ok.join(', ') : 'zod'} (ARCHITECTURE §2)`,
          },
        ]
      : []),
    ...(extra[folder] ?? []),
  ];
  return {
    files: [`${folder}/**`],
    ...(folder === 'contract' ? { ignores: ['contract/**/*.test.ts'] } : {}),
    rules: { 'no-restricted-imports': ['error', { patterns }] },
  };
});

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
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': 'error',
      eqeqeq: ['error', 'always'],
    },
  },
  ...layering,
  {
    files: ['renderer/**'],
    plugins: { 'react-hooks': reactHooks },
    rules: reactHooks.configs.recommended.rules,
  },
  {
    files: ['**/*.js', '**/*.mjs', '**/*.cjs'],
    ...tseslint.configs.disableTypeChecked,
    languageOptions: { ...tseslint.configs.disableTypeChecked.languageOptions, globals: { ...globals.node } },
  },
);
