import { defineConfig } from 'tsup';

const common = {
  sourcemap: true,
  target: 'node20',
  // import.meta.url (grammar and worker lookup) in the CommonJS build too.
  shims: true,
} as const;

export default defineConfig([
  // ESM: the package and its analysis worker, sharing their chunks. The clean keeps the
  // CommonJS build's files, which the other build writes at the same time.
  {
    ...common,
    entry: ['src/index.ts', 'src/analysis-worker.ts'],
    format: ['esm'],
    dts: { entry: 'src/index.ts' },
    clean: ['!**/*.cjs', '!**/*.cjs.map'],
  },
  // CommonJS: the package only; it starts the same ESM worker.
  {
    ...common,
    entry: ['src/index.ts'],
    format: ['cjs'],
    dts: { entry: 'src/index.ts' },
    clean: false,
  },
]);
