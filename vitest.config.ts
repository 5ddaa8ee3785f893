// Test runner settings: only test/ (benchmarks and the soak run live elsewhere), generous bounds for real servers.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 90_000,
    // Real servers need root-level setup and ports; a few files at a time keeps a 2-core CI machine honest.
    maxWorkers: 2,
  },
});
