import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{contract,lib,db,drivers,terminal,electron,renderer,gateway,cli}/**/*.test.{ts,tsx}', 'tests/**/*.test.ts'],
    exclude: ['node_modules/**', 'dist/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Vitest's default (one core fewer than the machine has) runs files one at a time on a
    // 2-core CI box: 10.5 min there. Two at a time: about 7. Most files wait on child processes,
    // sockets and fsync, not on the CPU.
    maxWorkers: Math.max(2, availableParallelism() - 1),
  },
});
