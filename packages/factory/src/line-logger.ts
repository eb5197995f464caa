/** What `createStore()` logs to: a message and its facts. */
export interface StoreLogger {
  /** A fallback or a retry the store survived, with its facts as `meta`. */
  warn(message: string, meta?: Record<string, unknown>): void;
}

/**
 * A logger that writes each warning as one line: the message, then its facts
 * as JSON (`retrying after a transient PostgreSQL failure {"operation":"count
 * memories","attempt":1,"code":"57P01",…}`). For apps that own stdout (a CLI,
 * an MCP server on stdio) and send warnings to stderr.
 *
 * @example
 * ```ts
 * const store = await createStore({ logger: lineLogger((line) => process.stderr.write(`${line}\n`)) });
 * ```
 */
export function lineLogger(write: (line: string) => void): StoreLogger {
  return {
    warn: (message, meta) =>
      write(
        meta === undefined || Object.keys(meta).length === 0
          ? message
          : `${message} ${JSON.stringify(meta)}`,
      ),
  };
}
