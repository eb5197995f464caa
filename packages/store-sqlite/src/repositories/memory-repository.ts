import { encodeCursor, NotFoundError } from '@athena/core-types';
import type { Memory, MemoryPatch, NewMemory, NormalizedFilters, Page } from '@athena/core-types';
import type { MemoryBackend, ParsedArgument } from '@athena/store-kit';
import type { Connection } from '../connection.js';
import { filterSql } from '../sql/filter-sql.js';
import { memoryPageSql } from '../sql/memory-page-sql.js';
import { mapError } from '../map-error.js';
import { toMemory, vectorBlob } from '../rows.js';
import type { MemoryRow } from '../rows.js';
import type { Session } from '../session.js';

const INSERT_COLUMNS = `
  project_id, content, content_type, memory_type, domain, tags, embedding, embedding_model,
  usefulness_score, confidence, session_id, event_type, code_language, code_hash,
  created_at, updated_at`;
const ROW_PLACEHOLDERS = '(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)';
const INSERT_MEMORY = `INSERT INTO memory_vectors (${INSERT_COLUMNS}) VALUES ${ROW_PLACEHOLDERS}`;

/**
 * Most rows one `storeMany` INSERT statement writes: 8,192 bound parameters,
 * well under SQLite's 32,766. Inside a transaction, every statement that
 * fires the insert triggers opens a statement savepoint, and FTS5 flushes
 * its pending terms to a new index segment at each one: row by row, those
 * flushes, the segment merges they set off and the statement journal cost
 * as much as the rest of the insert. A multi-row statement pays them once.
 */
const MAX_ROWS_PER_INSERT = 512;

/**
 * Most ids `recordAccess()` binds one by one (`id IN (?, …)`, one statement
 * per count); a longer list is bound as one JSON array read by `json_each`,
 * which costs a few microseconds more per call.
 */
const MAX_BOUND_IDS = 64;

/** `recordAccess()`'s statement for `count` ids bound one by one, or (`null`) for a JSON array of them. */
function recordAccessSql(count: number | null): string {
  const ids =
    count === null
      ? 'SELECT value FROM json_each(?)'
      : new Array<string>(count).fill('?').join(', ');
  return `UPDATE memory_vectors
    SET access_count = access_count + 1,
        last_accessed = ?,
        last_retrieved = CASE WHEN ? THEN ? ELSE last_retrieved END
    WHERE project_id = ? AND id IN (${ids})`;
}

/** `INSERT … VALUES` of `rows` memories, returning their ids. */
function insertManySql(rows: number): string {
  const values = new Array<string>(rows).fill(ROW_PLACEHOLDERS).join(', ');
  return `INSERT INTO memory_vectors (${INSERT_COLUMNS}) VALUES ${values} RETURNING id`;
}

/**
 * Row counts of the statements that insert `total` rows: as many of `max`
 * (default {@link MAX_ROWS_PER_INSERT}) as fit, then the powers of two of
 * the rest, so at most log2(max) + 1 statement texts are ever prepared.
 *
 * @example
 * ```ts
 * insertChunks(1000); // [512, 256, 128, 64, 32, 8]
 * ```
 */
export function insertChunks(total: number, max = MAX_ROWS_PER_INSERT): number[] {
  const chunks: number[] = [];
  let left = total;
  while (left >= max) {
    chunks.push(max);
    left -= max;
  }
  for (let size = 2 ** Math.floor(Math.log2(max / 2)); size >= 1; size /= 2) {
    while (left >= size) {
      chunks.push(size);
      left -= size;
    }
  }
  return chunks;
}

function insertParams(projectId: number, memory: NewMemory, now: number): unknown[] {
  return [
    projectId,
    memory.content,
    memory.contentType,
    memory.memoryType,
    memory.domain,
    JSON.stringify(memory.tags),
    vectorBlob(memory.embedding),
    memory.embeddingModel,
    memory.usefulnessScore,
    memory.confidence,
    memory.sessionId,
    memory.eventType,
    memory.codeLanguage,
    memory.codeHash,
    memory.createdAt.getTime(),
    now,
  ];
}

/** Columns `update()` may change, by input field. */
const UPDATABLE: Readonly<Record<string, string>> = Object.freeze({
  content: 'content',
  embedding: 'embedding',
  embeddingModel: 'embedding_model',
  contentType: 'content_type',
  memoryType: 'memory_type',
  domain: 'domain',
  tags: 'tags',
  usefulnessScore: 'usefulness_score',
  confidence: 'confidence',
});

/** Throws `NotFoundError` unless the project exists. */
export function assertProject(c: Connection, projectId: number): void {
  const found = c.statement('SELECT 1 FROM projects WHERE id = ?').get(projectId);
  if (found === undefined) throw new NotFoundError('project', projectId);
}

/** One memory of a project, or undefined. */
export function findMemory(c: Connection, projectId: number, id: number): MemoryRow | undefined {
  return c
    .statement<unknown[], MemoryRow>('SELECT * FROM memory_vectors WHERE project_id = ? AND id = ?')
    .get(projectId, id);
}

/**
 * Memories (`memory_vectors`) on SQLite, behind the kit's validating front;
 * vectors and full text follow by trigger.
 */
export class SqliteMemoryRepository implements MemoryBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async store(project: number, memory: NewMemory): Promise<Memory> {
    return this.#session.run((c) => {
      try {
        const row = c
          .statement<unknown[], MemoryRow>(`${INSERT_MEMORY} RETURNING *`)
          .get(...insertParams(project, memory, Date.now()));
        return toMemory(row as MemoryRow);
      } catch (error) {
        throw mapError(error, { notFound: { entity: 'project', id: project } });
      }
    });
  }

  /**
   * Inserts the (already validated) memories all in one transaction with a
   * few multi-row statements (see {@link MAX_ROWS_PER_INSERT}).
   */
  async storeMany(project: number, memories: readonly NewMemory[]): Promise<number[]> {
    return this.#session.run((c) => {
      if (memories.length === 0) return [];
      const now = Date.now();
      try {
        return c.atomic(() => {
          assertProject(c, project);
          const ids: number[] = [];
          let next = 0;
          for (const rows of insertChunks(memories.length)) {
            const params = memories
              .slice(next, next + rows)
              .flatMap((memory) => insertParams(project, memory, now));
            next += rows;
            // RETURNING promises no order, but AUTOINCREMENT gives every
            // row a larger id than any before it: ascending is input order.
            const inserted = c.column<number>(insertManySql(rows)).all(params);
            ids.push(...inserted.sort((a, b) => a - b));
          }
          return ids;
        });
      } catch (error) {
        throw mapError(error, { notFound: { entity: 'project', id: project } });
      }
    });
  }

  // Not `async`: the session's promise is returned as is, one promise per
  // call on the hottest read path.
  get(project: number, id: number): Promise<Memory | null> {
    return this.#session.run((c) => {
      const row = findMemory(c, project, id);
      return row === undefined ? null : toMemory(row);
    });
  }

  async getMany(project: number, wanted: readonly number[]): Promise<Memory[]> {
    if (wanted.length === 0) return [];
    return this.#session.run((c) => {
      const rows = c
        .statement<unknown[], MemoryRow>(
          `SELECT * FROM memory_vectors
           WHERE project_id = ? AND id IN (SELECT value FROM json_each(?))`,
        )
        .all(project, JSON.stringify(wanted));
      const byId = new Map(rows.map((row) => [row.id, row]));
      return wanted.flatMap((memoryId) => {
        const row = byId.get(memoryId);
        return row === undefined ? [] : [toMemory(row)];
      });
    });
  }

  async update(project: number, memoryId: number, patch: MemoryPatch): Promise<Memory> {
    return this.#session.run((c) => {
      const sets: string[] = [];
      const params: Record<string, unknown> = { projectId: project, id: memoryId, now: Date.now() };
      for (const [field, value] of Object.entries(patch)) {
        const column = UPDATABLE[field];
        if (column === undefined) continue;
        sets.push(`${column} = @${field}`);
        if (field === 'tags') params[field] = JSON.stringify(value);
        else if (field === 'embedding') params[field] = vectorBlob(value as Float32Array);
        else params[field] = value;
      }
      sets.push('version = version + 1', 'updated_at = @now');
      const row = c
        .statement<[Record<string, unknown>], MemoryRow>(
          `UPDATE memory_vectors SET ${sets.join(', ')}
           WHERE project_id = @projectId AND id = @id RETURNING *`,
        )
        .get(params);
      if (row === undefined) throw new NotFoundError('memory', memoryId);
      return toMemory(row);
    });
  }

  async delete(project: number, memoryId: number): Promise<boolean> {
    return this.#session.run(
      (c) =>
        c
          .statement('DELETE FROM memory_vectors WHERE project_id = ? AND id = ?')
          .run(project, memoryId).changes > 0,
    );
  }

  /**
   * Keyset pagination by id: the cursor holds the last id seen, so pages stay
   * stable while rows are inserted.
   */
  async list(
    project: number,
    { limit, afterId, filters, order }: ParsedArgument<MemoryBackend, 'list', 1>,
  ): Promise<Page<Memory>> {
    const page = memoryPageSql(filters, order, afterId !== null);
    return this.#session.run((c) => {
      const rows = c
        .statement<[Record<string, unknown>], MemoryRow>(page.sql)
        .all({ projectId: project, afterId, limit: limit + 1, ...page.params });
      const items = rows.slice(0, limit).map(toMemory);
      const last = items.at(-1);
      const nextCursor = rows.length > limit && last !== undefined ? encodeCursor([last.id]) : null;
      return { items, nextCursor };
    });
  }

  async count(project: number, filters: NormalizedFilters): Promise<number> {
    const where = filterSql(filters, 'm');
    return this.#session.run(
      (c) =>
        c
          .column(
            `SELECT count(*) FROM memory_vectors m WHERE m.project_id = @projectId${where.sql}`,
          )
          .get({ projectId: project, ...where.params }) as number,
    );
  }

  async recordAccess(
    project: number,
    wanted: readonly number[],
    { retrieved, at }: ParsedArgument<MemoryBackend, 'recordAccess', 2>,
  ): Promise<number> {
    if (wanted.length === 0) return 0;
    const stamp = at.getTime();
    return this.#session.run((c) =>
      wanted.length <= MAX_BOUND_IDS
        ? c
            .statement(recordAccessSql(wanted.length))
            .run(stamp, retrieved ? 1 : 0, stamp, project, ...wanted).changes
        : c
            .statement(recordAccessSql(null))
            .run(stamp, retrieved ? 1 : 0, stamp, project, JSON.stringify(wanted)).changes,
    );
  }
}
