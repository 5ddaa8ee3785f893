// The soak run (`npm run soak`): one long test in a worker started with --expose-gc, outside `npm test`.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['bench/soak.ts'],
    pool: 'forks',
    // gc() lets the soak compare heap after collection, not allocation noise.
    execArgv: ['--expose-gc'],
    testTimeout: 60 * 60 * 1000,
    hookTimeout: 60_000,
  },
});
