import type { Kysely, RawBuilder } from 'kysely';
import type { Database, TableName } from '../schema.js';

/** What a migration needs to know about the database it changes. */
export interface MigrationContext {
  /** One connection, inside the migration's transaction. */
  readonly db: Kysely<Database>;
  readonly schema: string;
  /** Schema of the pgvector extension. */
  readonly vectorSchema: string;
  readonly dimension: number;
  readonly textSearchConfig: string;
  /** A schema-qualified table. */
  table(name: TableName): RawBuilder<unknown>;
}

/** One versioned schema change, applied once, in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  up(context: MigrationContext): Promise<void>;
}
