/**
 * True in the CommonJS build (`dist/index.cjs`), false in the ESM build and
 * in the tests: defined by tsup.config.ts and vitest.config.ts. A backend's
 * package is loaded in the same format as the factory — `require` from the
 * CommonJS build, `import()` from the ESM one — so an application holds one
 * copy of `@athena/core-types` and `instanceof` its errors works.
 */
declare const __ATHENA_CJS__: boolean;
