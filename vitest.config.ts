// Test runner configuration. Unit tests live next to the code they test (`*.test.ts`);
// integration tests that start real worker processes live in test/ and use the built
// output in dist/ (npm test builds first).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    environment: 'node',
    // Integration tests start worker processes; two cores are shared with them.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
