import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Packing and the release dry run spawn pnpm; on 2 busy cores a run takes seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
