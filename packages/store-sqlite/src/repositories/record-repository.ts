import { MemoryChecksum, NotFoundError } from '@athena/core-types';
import type { NewRecord, RecordChecksum, RecordOf, RecordTable } from '@athena/core-types';
import type { ParsedArgument, RecordBackend } from '@athena/store-kit';
import type { Connection } from '../connection.js';
import { SQLITE_RECORD_TABLES } from '../record-tables.js';
import { blobVector } from '../rows.js';
import type { SqliteReference } from '../record-tables.js';
import type { Session } from '../session.js';
import { insertChunks } from './memory-repository.js';

/** SQLite's limit on bound parameters in one statement. */
const MAX_PARAMETERS = 32_766;

/** Most rows of one multi-row INSERT (see `MAX_ROWS_PER_INSERT` of the memory repository). */
const MAX_ROWS = 512;

/** The column a table is filtered by project on. */
function projectColumn(table: RecordTable): string {
  return table === 'projects' ? 'id' : 'project_id';
}

/** Project id of each existing row among `ids` of `sqlTable`. */
function projectsOf(c: Connection, sqlTable: string, ids: readonly number[]): Map<number, number> {
  const column = sqlTable === 'projects' ? 'id' : 'project_id';
  const rows = c
    .statement<unknown[], { id: number; project: number }>(
      `SELECT id, ${column} AS project FROM ${sqlTable} WHERE id IN (SELECT value FROM json_each(?))`,
    )
    .all(JSON.stringify([...new Set(ids)]));
  return new Map(rows.map((row) => [row.id, row.project]));
}

/** Throws `NotFoundError` for the first record whose project does not exist. */
function checkProjects(c: Connection, records: readonly { projectId: number }[]): void {
  const found = projectsOf(
    c,
    'projects',
    records.map((record) => record.projectId),
  );
  const missing = records.find((record) => !found.has(record.projectId));
  if (missing !== undefined) throw new NotFoundError('project', missing.projectId);
}

/**
 * Throws `NotFoundError` for the first record whose reference names no row,
 * or a row of another project: a foreign key cannot say "in the same project".
 */
function checkReferences(
  c: Connection,
  table: RecordTable,
  records: readonly Record<string, unknown>[],
  reference: SqliteReference,
): void {
  const ids = records
    .map((record) => record[reference.field])
    .filter((id): id is number => typeof id === 'number');
  if (ids.length === 0) return;
  const found = projectsOf(c, reference.table, ids);
  records.forEach((record, index) => {
    const id = record[reference.field];
    if (typeof id !== 'number' || found.get(id) === record['projectId']) return;
    throw new NotFoundError(reference.entity, id, {
      details: { projectId: record['projectId'], path: `${table}[${index}].${reference.field}` },
    });
  });
}

function insertSql(sqlTable: string, columns: readonly string[], rows: number): string {
  const row = `(${columns.map(() => '?').join(', ')})`;
  return `INSERT INTO ${sqlTable} (${columns.join(', ')}) VALUES ${new Array<string>(rows)
    .fill(row)
    .join(', ')} RETURNING id`;
}

/**
 * Every table as plain domain records, written verbatim (see
 * `RecordRepository`), behind the kit's validating front.
 */
export class SqliteRecordRepository implements RecordBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async page(
    name: RecordTable,
    { after, limit, projectIds }: ParsedArgument<RecordBackend, 'page', 1>,
  ): Promise<RecordOf<RecordTable>[]> {
    const spec = SQLITE_RECORD_TABLES[name];
    return this.#session.run((c) => {
      const rows =
        projectIds === undefined
          ? c
              .statement(`SELECT * FROM ${spec.sqlTable} WHERE id > ? ORDER BY id LIMIT ?`)
              .all(after, limit)
          : c
              .statement(
                `SELECT * FROM ${spec.sqlTable}
                 WHERE id > ? AND ${projectColumn(name)} IN (SELECT value FROM json_each(?))
                 ORDER BY id LIMIT ?`,
              )
              .all(after, JSON.stringify(projectIds), limit);
      return rows.map((row) => spec.toRecord(row as never));
    });
  }

  async count(
    name: RecordTable,
    { projectIds }: ParsedArgument<RecordBackend, 'count', 1>,
  ): Promise<number> {
    const { sqlTable } = SQLITE_RECORD_TABLES[name];
    return this.#session.run((c) =>
      projectIds === undefined
        ? (c.column(`SELECT count(*) FROM ${sqlTable}`).get() as number)
        : (c
            .column(
              `SELECT count(*) FROM ${sqlTable}
               WHERE ${projectColumn(name)} IN (SELECT value FROM json_each(?))`,
            )
            .get(JSON.stringify(projectIds)) as number),
    );
  }

  /**
   * Reads the memories one row at a time (constant memory) and hashes each
   * in JavaScript.
   */
  async checksum({
    projectIds,
  }: ParsedArgument<RecordBackend, 'checksum', 0>): Promise<RecordChecksum> {
    return this.#session.run((c) => {
      const checksum = new MemoryChecksum();
      const rows =
        projectIds === undefined
          ? c
              .statement<unknown[], { content: string; embedding: Buffer }>(
                'SELECT content, embedding FROM memory_vectors ORDER BY id',
              )
              .iterate()
          : c
              .statement<unknown[], { content: string; embedding: Buffer }>(
                `SELECT content, embedding FROM memory_vectors
                 WHERE project_id IN (SELECT value FROM json_each(?)) ORDER BY id`,
              )
              .iterate(JSON.stringify(projectIds));
      for (const row of rows) {
        checksum.add({ content: row.content, embedding: blobVector(row.embedding) });
      }
      return { memories: checksum.count, checksum: checksum.digest() };
    });
  }

  async insert<T extends RecordTable>(name: T, rows: readonly NewRecord<T>[]): Promise<number[]> {
    const spec = SQLITE_RECORD_TABLES[name];
    return this.#session.run((c) => {
      if (rows.length === 0) return [];
      const maxRows = Math.min(MAX_ROWS, Math.floor(MAX_PARAMETERS / spec.columns.length));
      return c.atomic(() => {
        const plain = rows as unknown as Record<string, unknown>[];
        if (name !== 'projects') checkProjects(c, plain as unknown as { projectId: number }[]);
        for (const reference of spec.references) checkReferences(c, name, plain, reference);
        const ids: number[] = [];
        let next = 0;
        for (const size of insertChunks(rows.length, maxRows)) {
          const params = rows.slice(next, next + size).flatMap((row) => spec.values(row));
          next += size;
          // AUTOINCREMENT: ascending ids are input order (RETURNING promises no order).
          const inserted = c
            .column<number>(insertSql(spec.sqlTable, spec.columns, size))
            .all(params);
          ids.push(...inserted.sort((a, b) => a - b));
        }
        return ids;
      });
    });
  }

  async linkSupersession(
    parsed: ParsedArgument<RecordBackend, 'linkSupersession', 0>,
  ): Promise<number> {
    if (parsed.links.length === 0) return 0;
    const spec = SQLITE_RECORD_TABLES[parsed.table];
    const entity = parsed.table === 'memories' ? 'memory' : 'decision';
    return this.#session.run((c) =>
      c.atomic(() => {
        const found = projectsOf(
          c,
          spec.sqlTable,
          parsed.links.flatMap((link) => [link.id, link.supersededBy]),
        );
        for (const link of parsed.links) {
          const project = found.get(link.id);
          if (project === undefined) throw new NotFoundError(entity, link.id);
          if (found.get(link.supersededBy) !== project) {
            throw new NotFoundError(entity, link.supersededBy, { details: { projectId: project } });
          }
        }
        return c
          .statement(
            `UPDATE ${spec.sqlTable} SET superseded_by = l.s
             FROM (SELECT json_extract(value, '$[0]') AS id, json_extract(value, '$[1]') AS s
                   FROM json_each(?)) AS l
             WHERE ${spec.sqlTable}.id = l.id`,
          )
          .run(JSON.stringify(parsed.links.map((link) => [link.id, link.supersededBy]))).changes;
      }),
    );
  }
}
