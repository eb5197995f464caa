import { defineConfig } from 'tsup';

export default defineConfig({
  entry: ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // Each build loads the backends' build of its own format (see src/build-format.d.ts).
  esbuildOptions(options, context) {
    options.define = { ...options.define, __ATHENA_CJS__: String(context.format === 'cjs') };
  },
});
