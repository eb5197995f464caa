import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    alias: [
      {
        // The analysis worker runs from its sources too (see the helper).
        find: /^\.\/analysis-worker-url\.js$/,
        replacement: fileURLToPath(
          new URL('./test/helpers/analysis-worker-url.ts', import.meta.url),
        ),
      },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // A guard against hangs, not a speed check: PGlite (Postgres in wasm) starts in
    // seconds and indexes several times slower than the server, more so on a loaded CI machine.
    testTimeout: 120_000,
    hookTimeout: 60_000,
  },
});
