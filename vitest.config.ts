import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contract,lib,db,drivers,terminal,electron,renderer,gateway,cli}/**/*.test.{ts,tsx}', 'tests/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
