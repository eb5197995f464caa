/**
 * Where a consolidator writes: one `info` line per run with every counter
 * and phase duration as fields, `warn` for a fallback or a failed batch.
 *
 * @example
 * ```ts
 * const logger: ConsolidationLogger = {
 *   info: (message, fields) => console.log(JSON.stringify({ level: 'info', message, ...fields })),
 *   warn: (message, fields) => console.warn(JSON.stringify({ level: 'warn', message, ...fields })),
 * };
 * ```
 */
export interface ConsolidationLogger {
  /** The summary of a run, with its counters and phase durations as `fields`. */
  info(message: string, fields: Readonly<Record<string, unknown>>): void;
  /** A fallback to the heuristic result or a failed batch, with its facts as `fields`. */
  warn(message: string, fields: Readonly<Record<string, unknown>>): void;
}
