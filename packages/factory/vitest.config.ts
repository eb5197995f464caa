import { defineConfig } from 'vitest/config';

export default defineConfig({
  // The tests run the ESM source (see src/build-format.d.ts).
  define: { __ATHENA_CJS__: 'false' },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
