import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // PGlite starts in ~4 s (WebAssembly compilation) and runs every
    // statement on one thread: one instance per file, generous timeouts.
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
