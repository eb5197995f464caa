/**
 * `@athena/conformance`: the one test suite every Athena Store backend must
 * pass, so SQLite and PostgreSQL (and any third-party adapter) behave alike.
 *
 * @packageDocumentation
 */
export type { ConformanceOptions, ConstraintKind } from './conformance-options.js';
export { createConformanceSuite } from './create-conformance-suite.js';
export type { SuiteContext } from './suite-context.js';
