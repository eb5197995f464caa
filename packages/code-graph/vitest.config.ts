import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // A guard against hangs, not a speed check: PGlite (Postgres in wasm) starts in
    // seconds and indexes several times slower than the server, more so on a loaded CI machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
