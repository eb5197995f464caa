import { NotFoundError, encodeCursor } from '@athena/core-types';
import type { Memory, MemoryPatch, NewMemory, NormalizedFilters, Page } from '@athena/core-types';
import type { MemoryBackend, ParsedArgument } from '@athena/store-kit';
import { sql } from 'kysely';
import type { QueryCreator } from 'kysely';
import type { Database } from '../schema.js';
import { POSTGRES_MAX_BIND_PARAMETERS } from '../limits.js';
import { toMemory, toNumber } from '../rows.js';
import type { MemoryRow } from '../rows.js';
import {
  filterSql,
  memoryColumns,
  memorySelection,
  memorySelectionWith,
} from '../sql/search-sql.js';
import type { Session } from '../session.js';

/** Columns written per inserted memory; bounds the rows of one multi-row INSERT. */
const INSERTED_COLUMNS = 14;
const INSERT_CHUNK = Math.floor(POSTGRES_MAX_BIND_PARAMETERS / INSERTED_COLUMNS / 2);

function insertRow(projectId: number, memory: NewMemory) {
  return {
    project_id: projectId,
    content: memory.content,
    content_type: memory.contentType,
    memory_type: memory.memoryType,
    domain: memory.domain,
    tags: memory.tags,
    embedding_model: memory.embeddingModel,
    usefulness_score: memory.usefulnessScore,
    confidence: memory.confidence,
    session_id: memory.sessionId,
    event_type: memory.eventType,
    code_language: memory.codeLanguage,
    code_hash: memory.codeHash,
    created_at: memory.createdAt,
    updated_at: memory.createdAt,
  };
}

/** Columns whose default is NULL: left out of a batch's INSERT when no row sets them. */
const NULLABLE_COLUMNS = [
  'domain',
  'embedding_model',
  'session_id',
  'event_type',
  'code_language',
  'code_hash',
] as const;

/**
 * The rows of one multi-row INSERT, without the nullable columns that are
 * null in every row: fewer bound parameters to encode, send and parse.
 */
function insertRows(projectId: number, memories: readonly NewMemory[]) {
  const rows = memories.map((memory) => insertRow(projectId, memory));
  const unused = new Set<string>(
    NULLABLE_COLUMNS.filter((column) => rows.every((row) => row[column] === null)),
  );
  if (unused.size === 0) return rows;
  return rows.map(
    (row) =>
      Object.fromEntries(
        Object.entries(row).filter(([column]) => !unused.has(column)),
      ) as typeof row,
  );
}

/** `memory_vectors` on PostgreSQL, behind the kit's validating front: every operation scoped to one project. */
export class PostgresMemoryRepository implements MemoryBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Stores one (already validated) memory.
   */
  async store(project: number, memory: NewMemory): Promise<Memory> {
    const session = this.#session();
    const stored = await session.write(
      { operation: 'store memory', notFound: { entity: 'project', id: project } },
      async (s) => {
        // One statement: the memory's row, then its vector under the new id.
        const row = await s.db
          .with('m', (db) =>
            db.insertInto('memory_vectors').values(insertRow(project, memory)).returningAll(),
          )
          .with('e', (db) =>
            db
              .insertInto('memory_embeddings')
              .columns(['memory_id', 'project_id', 'embedding'])
              .expression((eb) =>
                eb
                  .selectFrom('m')
                  .select(['m.id', 'm.project_id', s.vector(memory.embedding).as('embedding')]),
              )
              .returning('embedding'),
          )
          .selectFrom(['m', 'e'])
          .select(memorySelectionWith(s.vectorSend(sql.ref('e.embedding'))))
          .executeTakeFirstOrThrow();
        return toMemory(row);
      },
    );
    await session.env.afterMemoriesInserted(session);
    return stored;
  }

  /**
   * Inserts the (already validated) memories in one transaction (multi-row
   * INSERTs); returns the ids in input order.
   */
  async storeMany(project: number, memories: readonly NewMemory[]): Promise<number[]> {
    const session = this.#session();
    if (memories.length === 0) return [];
    const ids = await session.atomic(
      { operation: 'store memories', notFound: { entity: 'project', id: project } },
      async (s) => {
        const out: number[] = [];
        for (let start = 0; start < memories.length; start += INSERT_CHUNK) {
          const chunk = memories.slice(start, start + INSERT_CHUNK);
          const rows = await s.db
            .insertInto('memory_vectors')
            .values(insertRows(project, chunk))
            .returning('id')
            .execute();
          // Identity values of one INSERT grow in VALUES order.
          const ids = rows.map((row) => toNumber(row.id)).sort((a, b) => a - b);
          await s.db
            .insertInto('memory_embeddings')
            .values(
              chunk.map((memory, i) => ({
                memory_id: ids[i] as number,
                project_id: project,
                embedding: s.vector(memory.embedding),
              })),
            )
            .execute();
          out.push(...ids);
        }
        await s.env.statistics.wrote(s, 'memories', out.length);
        return out;
      },
    );
    await session.env.afterMemoriesInserted(session);
    return ids;
  }

  async get(project: number, memoryId: number): Promise<Memory | null> {
    return this.#session().read({ operation: 'get memory' }, async (s) => {
      const { rows } = await s.cached(
        'get memory',
        (c) =>
          c.db
            .selectFrom('memory_vectors')
            .select(memorySelection(c))
            .where('project_id', '=', 0)
            .where('id', '=', 0),
        [project, memoryId],
      );
      const [row] = rows;
      return row === undefined ? null : toMemory(row);
    });
  }

  async getMany(project: number, wanted: readonly number[]): Promise<Memory[]> {
    if (wanted.length === 0) return [];
    return this.#session().read({ operation: 'get memories' }, async (s) => {
      const rows = await s.db
        .selectFrom('memory_vectors')
        .select(memorySelection(s))
        .where('project_id', '=', project)
        .where(sql<boolean>`id = any(${wanted}::bigint[])`)
        .execute();
      const byId = new Map(rows.map((row) => [toNumber(row.id), toMemory(row)]));
      return wanted.flatMap((id) => byId.get(id) ?? []);
    });
  }

  async update(project: number, memoryId: number, patch: MemoryPatch): Promise<Memory> {
    return this.#session().write({ operation: 'update memory' }, async (s) => {
      // A new vector is written by the same statement (a CTE), and returned as given:
      // the statement's own reads see the vectors as they were before it.
      const vector = patch.embedding === undefined ? null : s.vector(patch.embedding);
      // The CTE adds a table name nothing below refers to: the plain builder's type serves.
      const db = (
        vector === null
          ? s.db
          : s.db.with('e', (qb) =>
              qb
                .updateTable('memory_embeddings')
                .set({ embedding: vector })
                .where('memory_id', '=', memoryId)
                .where('project_id', '=', project)
                .returning('memory_id'),
            )
      ) as QueryCreator<Database>;
      const row = await db
        .updateTable('memory_vectors')
        .set({
          ...(patch.content === undefined ? {} : { content: patch.content }),
          ...(patch.embeddingModel === undefined ? {} : { embedding_model: patch.embeddingModel }),
          ...(patch.contentType === undefined ? {} : { content_type: patch.contentType }),
          ...(patch.memoryType === undefined ? {} : { memory_type: patch.memoryType }),
          ...(patch.domain === undefined ? {} : { domain: patch.domain }),
          ...(patch.tags === undefined ? {} : { tags: patch.tags }),
          ...(patch.usefulnessScore === undefined
            ? {}
            : { usefulness_score: patch.usefulnessScore }),
          ...(patch.confidence === undefined ? {} : { confidence: patch.confidence }),
          version: sql<number>`version + 1`,
          updated_at: new Date(),
        })
        .where('project_id', '=', project)
        .where('id', '=', memoryId)
        .returning(vector === null ? memorySelection(s) : memorySelectionWith(s.vectorSend(vector)))
        .executeTakeFirst();
      if (row === undefined)
        throw new NotFoundError('memory', memoryId, { details: { projectId: project } });
      return toMemory(row);
    });
  }

  async delete(project: number, memoryId: number): Promise<boolean> {
    return this.#session().write({ operation: 'delete memory' }, async (s) => {
      const result = await s.db
        .deleteFrom('memory_vectors')
        .where('project_id', '=', project)
        .where('id', '=', memoryId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }

  /**
   * Keyset pagination by id: stable while other writers insert.
   */
  async list(
    project: number,
    { limit, afterId, filters, order }: ParsedArgument<MemoryBackend, 'list', 1>,
  ): Promise<Page<Memory>> {
    return this.#session().read({ operation: 'list memories' }, async (s) => {
      const keyset =
        afterId === null
          ? sql`true`
          : order === 'asc'
            ? sql`m.id > ${afterId}`
            : sql`m.id < ${afterId}`;
      const direction = order === 'asc' ? sql`asc` : sql`desc`;
      const { rows } = await sql<MemoryRow>`
        select ${memoryColumns(s, 'm')} from ${s.table('memory_vectors')} m
        where m.project_id = ${project} and ${keyset} and ${filterSql(filters, 'm')}
        order by m.id ${direction}
        limit ${limit + 1}`.execute(s.raw);
      const items = rows.slice(0, limit).map(toMemory);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? encodeCursor([last.id]) : null };
    });
  }

  async count(project: number, filters: NormalizedFilters): Promise<number> {
    return this.#session().read({ operation: 'count memories' }, async (s) => {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from ${s.table('memory_vectors')} m
        where m.project_id = ${project} and ${filterSql(filters, 'm')}`.execute(s.raw);
      return toNumber(rows[0]?.n ?? 0);
    });
  }

  async recordAccess(
    project: number,
    wanted: readonly number[],
    { retrieved, at }: ParsedArgument<MemoryBackend, 'recordAccess', 2>,
  ): Promise<number> {
    if (wanted.length === 0) return 0;
    return this.#session().write(
      { operation: 'record access' },
      async (s) => {
        // last_retrieved = coalesce(retrieved-or-null, last_retrieved): one statement text for both.
        const result = await s.cached(
          'record access',
          (c) =>
            c.db
              .updateTable('memory_vectors')
              .set({
                access_count: sql<number>`access_count + 1`,
                last_accessed: sql<Date>`${at}`,
                last_retrieved: sql<Date>`coalesce(cast(${at} as timestamptz), last_retrieved)`,
              })
              .where('project_id', '=', 0)
              .where(sql<boolean>`id = any(${[0]}::bigint[])`),
          [at, retrieved ? at : null, project, wanted],
        );
        return Number(result.numAffectedRows ?? 0);
      },
      // Access counts are bookkeeping: the next read (with replicas) need not wait for them.
      { readYourWrites: false },
    );
  }
}
