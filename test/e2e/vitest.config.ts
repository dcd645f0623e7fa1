import { defineConfig } from 'vitest/config';

// The real-client suite (npm run test:e2e): one file, one browser, steps in order. Kept apart from
// the unit suite (vitest.config.ts includes test/**/*.test.ts; these files end in .e2e.ts).
export default defineConfig({
  test: {
    root: import.meta.dirname + '/../..',
    include: ['test/e2e/**/*.e2e.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
    reporters: ['verbose', './test/e2e/closing-line.reporter.ts'],
  },
});
