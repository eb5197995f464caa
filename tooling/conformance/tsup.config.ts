import { defineConfig } from 'tsup';

// ESM only: vitest, which the suite registers its tests with, is ESM only.
export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  external: ['vitest'],
});
