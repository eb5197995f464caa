import { MemoryChecksum, NotFoundError } from '@athena/core-types';
import type { NewRecord, RecordChecksum, RecordOf, RecordTable } from '@athena/core-types';
import type { ParsedArgument, RecordBackend } from '@athena/store-kit';
import { sql } from 'kysely';
import { POSTGRES_MAX_BIND_PARAMETERS } from '../limits.js';
import { POSTGRES_RECORD_TABLES } from '../record-tables.js';
import type { PostgresReference } from '../record-tables.js';
import { toNumber } from '../rows.js';
import type { TableName } from '../schema.js';
import { memorySelection } from '../sql/search-sql.js';
import type { Session } from '../session.js';

/** Memories hashed per statement of `checksum()`: 320 kB of digests. */
const CHECKSUM_PAGE = 10_000;

/** Project id of each existing row among `ids` of `table`. */
async function projectsOf(
  s: Session,
  table: TableName,
  ids: readonly number[],
): Promise<Map<number, number>> {
  const column = table === 'projects' ? sql.ref('id') : sql.ref('project_id');
  const { rows } = await sql<{ id: string; project: string }>`
    select id, ${column} as project from ${s.table(table)}
    where id = any(${[...new Set(ids)]}::bigint[])`.execute(s.raw);
  return new Map(rows.map((row) => [toNumber(row.id), toNumber(row.project)]));
}

/**
 * Throws `NotFoundError` for the first record whose reference names no row,
 * or a row of another project: a foreign key cannot say "in the same project".
 */
async function checkReferences(
  s: Session,
  table: RecordTable,
  records: readonly Record<string, unknown>[],
  reference: PostgresReference,
): Promise<void> {
  const ids = records
    .map((record) => record[reference.field])
    .filter((id): id is number => typeof id === 'number');
  if (ids.length === 0) return;
  const found = await projectsOf(s, reference.table, ids);
  records.forEach((record, index) => {
    const id = record[reference.field];
    if (typeof id !== 'number' || found.get(id) === record['projectId']) return;
    throw new NotFoundError(reference.entity, id, {
      details: { projectId: record['projectId'], path: `${table}[${index}].${reference.field}` },
    });
  });
}

/** The condition of a project filter on `table`, or `true`. */
function inProjects(table: RecordTable, projectIds: readonly number[] | undefined) {
  if (projectIds === undefined) return sql<boolean>`true`;
  const column = table === 'projects' ? sql.ref('id') : sql.ref('project_id');
  return sql<boolean>`${column} = any(${[...projectIds]}::bigint[])`;
}

/** Removes a memory row's `embedding` (its `vector` cast) and returns it. */
function takeEmbedding(row: Record<string, unknown>): unknown {
  const embedding = row['embedding'];
  delete row['embedding'];
  return embedding;
}

/**
 * Every table as plain domain records, written verbatim (see
 * `RecordRepository`), behind the kit's validating front.
 */
export class PostgresRecordRepository implements RecordBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  async page(
    name: RecordTable,
    { after, limit, projectIds }: ParsedArgument<RecordBackend, 'page', 1>,
  ): Promise<RecordOf<RecordTable>[]> {
    const spec = POSTGRES_RECORD_TABLES[name];
    return this.#session().read({ operation: `page ${name}` }, async (s) => {
      const base = s.db.selectFrom(spec.sqlTable);
      const selected =
        name === 'memories' ? base.select(memorySelection(s) as never) : base.selectAll();
      const rows = await selected
        .where('id', '>', after as never)
        .where(inProjects(name, projectIds))
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => spec.toRecord(row as never));
    });
  }

  async count(
    name: RecordTable,
    { projectIds }: ParsedArgument<RecordBackend, 'count', 1>,
  ): Promise<number> {
    const { sqlTable } = POSTGRES_RECORD_TABLES[name];
    return this.#session().read({ operation: `count ${name}` }, async (s) => {
      const { rows } = await sql<{ n: string }>`
        select count(*) as n from ${s.table(sqlTable)} where ${inProjects(name, projectIds)}`.execute(
        s.raw,
      );
      return toNumber(rows[0]?.n ?? 0);
    });
  }

  /**
   * Hashes every memory in SQL (`memoryDigest`'s form: content length, content,
   * `vector_send` of the embedding), so only 32 bytes per memory leave the
   * server. Walks windows of 10,000 ids by the primary key and filters the
   * projects inside each window: the plan then never depends on statistics —
   * run right after a bulk load, before any ANALYZE, a filtered keyset query
   * was planned as a scan and sort of all the project's rows per page.
   */
  async checksum({
    projectIds,
  }: ParsedArgument<RecordBackend, 'checksum', 0>): Promise<RecordChecksum> {
    return this.#session().read({ operation: 'checksum memories' }, async (s) => {
      const checksum = new MemoryChecksum();
      const content = sql`convert_to(content, 'UTF8')`;
      const digest = sql`sha256(int4send(octet_length(${content})) || ${content} || ${s.vectorSend(sql.ref('e.embedding'))})`;
      let after = 0;
      for (;;) {
        // The window keeps 32-byte digests, not vectors: ~0.6 MB per 10,000 rows.
        const { rows } = await sql<{ last: string | null; digests: Buffer[] | null }>`
          with w as materialized (
            select m.id, m.project_id, ${digest} as digest
            from ${s.table('memory_vectors')} m
            join ${s.table('memory_embeddings')} e on e.memory_id = m.id
            where m.id > ${after} order by m.id limit ${CHECKSUM_PAGE})
          select max(id) as last,
                 array_agg(digest order by id) filter (where ${inProjects('memories', projectIds)}) as digests
          from w`.execute(s.raw);
        const window = rows[0];
        for (const row of window?.digests ?? []) checksum.addDigest(row);
        if (window?.last === null || window?.last === undefined) break;
        after = toNumber(window.last);
      }
      return { memories: checksum.count, checksum: checksum.digest() };
    });
  }

  async insert<T extends RecordTable>(name: T, rows: readonly NewRecord<T>[]): Promise<number[]> {
    const spec = POSTGRES_RECORD_TABLES[name];
    const session = this.#session();
    if (rows.length === 0) return [];
    const chunk = Math.floor(POSTGRES_MAX_BIND_PARAMETERS / spec.columns);
    const ids = await session.atomic(
      {
        operation: `insert ${name}`,
        conflict: `insert ${name}: a project with this name or path exists already`,
      },
      async (s) => {
        const plain = rows as unknown as Record<string, unknown>[];
        if (name !== 'projects') {
          const found = await projectsOf(
            s,
            'projects',
            plain.map((row) => row['projectId'] as number),
          );
          const missing = plain.find((row) => !found.has(row['projectId'] as number));
          if (missing !== undefined) throw new NotFoundError('project', missing['projectId']);
        }
        for (const reference of spec.references) await checkReferences(s, name, plain, reference);
        const out: number[] = [];
        for (let start = 0; start < rows.length; start += chunk) {
          const values = rows.slice(start, start + chunk).map((row) => spec.row(row, s));
          // A memory's vector goes to memory_embeddings, under the id its row gets.
          const vectors = name === 'memories' ? values.map(takeEmbedding) : null;
          const inserted = await s.db
            .insertInto(spec.sqlTable)
            .values(values as never)
            .returning('id')
            .execute();
          // Identity values of one INSERT grow in VALUES order.
          const ids = inserted.map((row) => toNumber(row.id)).sort((a, b) => a - b);
          if (vectors !== null) {
            await s.db
              .insertInto('memory_embeddings')
              .values(
                vectors.map((embedding, i) => ({
                  memory_id: ids[i] as number,
                  project_id: values[i]?.['project_id'] as number,
                  embedding: embedding as never,
                })),
              )
              .execute();
          }
          out.push(...ids);
        }
        return out;
      },
    );
    if (name === 'memories') await session.env.afterMemoriesInserted(session);
    return ids;
  }

  async linkSupersession(
    parsed: ParsedArgument<RecordBackend, 'linkSupersession', 0>,
  ): Promise<number> {
    if (parsed.links.length === 0) return 0;
    const { sqlTable } = POSTGRES_RECORD_TABLES[parsed.table];
    const entity = parsed.table === 'memories' ? 'memory' : 'decision';
    return this.#session().atomic({ operation: `link ${parsed.table}` }, async (s) => {
      const found = await projectsOf(
        s,
        sqlTable,
        parsed.links.flatMap((link) => [link.id, link.supersededBy]),
      );
      for (const link of parsed.links) {
        const project = found.get(link.id);
        if (project === undefined) throw new NotFoundError(entity, link.id);
        if (found.get(link.supersededBy) !== project) {
          throw new NotFoundError(entity, link.supersededBy, { details: { projectId: project } });
        }
      }
      const result = await sql`
        update ${s.table(sqlTable)} as t set superseded_by = l.s
        from unnest(${parsed.links.map((link) => link.id)}::bigint[],
                    ${parsed.links.map((link) => link.supersededBy)}::bigint[]) as l(id, s)
        where t.id = l.id`.execute(s.raw);
      return Number(result.numAffectedRows ?? 0);
    });
  }
}
