import {
  AthenaError,
  ConflictError,
  NotFoundError,
  StorageError,
  TransientError,
  ValidationError,
} from '@athena/core-types';

/** What a foreign-key failure means for the operation that hit it. */
export interface ForeignKeyContext {
  /** The entity whose absence the failure reveals, e.g. `project`. */
  readonly entity: string;
  readonly id: unknown;
}

interface SqliteErrorLike {
  readonly code?: unknown;
  readonly message?: unknown;
}

function sqliteCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as SqliteErrorLike).code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/**
 * Turns anything thrown by better-sqlite3 into an Athena error, keeping the
 * original as `cause`. Athena errors pass through unchanged, so the function
 * can wrap whole operations.
 *
 * @example
 * ```ts
 * try {
 *   insert.run(row);
 * } catch (error) {
 *   throw mapSqliteError(error, { foreignKey: { entity: 'project', id: projectId } });
 * }
 * ```
 */
export function mapSqliteError(
  error: unknown,
  context: { readonly foreignKey?: ForeignKeyContext } = {},
): AthenaError {
  if (error instanceof AthenaError) return error;
  const code = sqliteCode(error);
  const message = error instanceof Error ? error.message : String(error);
  const details = code === undefined ? {} : { sqliteCode: code };
  switch (code) {
    case 'SQLITE_CONSTRAINT_UNIQUE':
    case 'SQLITE_CONSTRAINT_PRIMARYKEY':
      return new ConflictError(`already exists: ${message}`, { cause: error, details });
    case 'SQLITE_CONSTRAINT_FOREIGNKEY':
      // Every foreign key cascades or nulls on delete: a violation is always a missing referenced row.
      return context.foreignKey === undefined
        ? new NotFoundError('referenced row', null, { cause: error, details })
        : new NotFoundError(context.foreignKey.entity, context.foreignKey.id, {
            cause: error,
            details,
          });
    case 'SQLITE_CONSTRAINT_CHECK':
    case 'SQLITE_CONSTRAINT_NOTNULL':
      // Validation should have caught it; the caller's input is still what must change.
      return new ValidationError(`rejected by the database: ${message}`, [], {
        cause: error,
        details,
      });
    case 'SQLITE_BUSY':
    case 'SQLITE_BUSY_SNAPSHOT':
    case 'SQLITE_BUSY_RECOVERY':
    case 'SQLITE_BUSY_TIMEOUT':
    case 'SQLITE_LOCKED':
    case 'SQLITE_LOCKED_SHAREDCACHE':
      return new TransientError(`the database is locked by another connection: ${message}`, {
        cause: error,
        details,
      });
    default:
      return new StorageError(`SQLite failed: ${message}`, { cause: error, details });
  }
}
