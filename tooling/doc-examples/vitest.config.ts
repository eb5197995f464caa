import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The consumer test installs the packed packages with npm (a native build of better-sqlite3).
    hookTimeout: 300_000,
    testTimeout: 120_000,
  },
});
