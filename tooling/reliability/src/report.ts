import { appendFileSync } from 'node:fs';

/** The environment variable naming the file the suite's findings are appended to. */
export const REPORT_FILE_VARIABLE = 'ATHENA_RELIABILITY_REPORT';

/**
 * One finding of the suite, printed and saved at its end: which section
 * (`bad input`, `faults`, `secrets`, …), which case, on which backend, and
 * the figures it measured (writes acknowledged, present, duplicated, lost;
 * error counts; durations).
 */
export interface Finding {
  readonly section: string;
  readonly case: string;
  readonly backend?: string;
  readonly [figure: string]: unknown;
}

/**
 * Records a finding for the report. Outside the suite (no report file) it
 * does nothing.
 *
 * @example
 * ```ts
 * record({ section: 'faults', case: 'backends terminated', backend: 'postgres', acknowledged: 812, lost: 0 });
 * ```
 */
export function record(finding: Finding): void {
  const file = process.env[REPORT_FILE_VARIABLE];
  if (file !== undefined) appendFileSync(file, `${JSON.stringify(finding)}\n`);
}
