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
  info(message: string, fields: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields: Readonly<Record<string, unknown>>): void;
}
