/**
 * `@athena/store-kit`: what Athena's store backends share beyond the
 * contract of `@athena/core-types`. Today: one mapping from the kinds a
 * backend sorts its driver's errors into to Athena's typed errors, and the
 * errors of a transaction a failed statement made rollback-only.
 *
 * @packageDocumentation
 */
export type { ClassifiedDriverError, DriverErrorContext, DriverErrorKind } from './driver-error.js';
export { toAthenaError } from './to-athena-error.js';
export { rollbackOnlyError, rolledBackInsteadOfCommitted } from './rollback-only.js';
