/**
 * `@athena/store-kit`: what Athena's store backends share beyond the
 * contract of `@athena/core-types`. Today: one mapping from the kinds a
 * backend sorts its driver's errors into to Athena's typed errors.
 *
 * @packageDocumentation
 */
export type { ClassifiedDriverError, DriverErrorContext, DriverErrorKind } from './driver-error.js';
export { toAthenaError } from './to-athena-error.js';
