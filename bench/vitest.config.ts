import { defineConfig } from 'vitest/config';

// Benchmarks print figures and ratios; they assert only that each run worked, never a time.
export default defineConfig({
  test: {
    include: ['bench/**/*.bench.ts'],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
