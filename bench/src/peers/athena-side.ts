import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '@athena/store-postgres';
import type { VectorIndexPrecision } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';
import pg from 'pg';
import type { Dataset } from '../dataset.js';
import { now } from '../stats.js';
import { LOAD_BATCH, memoryInput } from '../workload.js';
import { filesBytes } from './side.js';
import type { Engine, LoadFigures, VectorSide } from './side.js';

/** Athena's two stores of a side: A holds every row in one project, B the rows over their projects. */
interface AthenaLayouts {
  readonly a: Store;
  readonly b: Store;
  sizeBytes(): Promise<number>;
  sizeBreakdown?(): Promise<string>;
  drop(): Promise<void>;
}

/**
 * Athena through its public API, as its README shows: `bulkLoad` +
 * `storeMany`, `search.semantic|keyword|hybrid` with `includeEmbedding:
 * false` (the peers return no vectors either).
 *
 * Every Athena search is scoped to one project, so the side keeps two
 * layouts: the unfiltered rows search A (the whole data set in one
 * project), the filtered rows search B (the same rows in their 10
 * projects). The load the table reports is B's, the peers' equivalent (every
 * row once, with its project); on PostgreSQL it includes
 * `buildProjectGraphs()`, the store's documented step for project-filtered
 * search. A's load is reported in the notes.
 */
class AthenaSide implements VectorSide {
  readonly name = 'athena';
  readonly keyword: VectorSide['keyword'];
  readonly hybrid: VectorSide['hybrid'];
  readonly sizeBreakdown: VectorSide['sizeBreakdown'];
  private pidA = 0;
  private readonly pidsB: number[] = [];
  private readonly rowsA = new Map<number, number>();
  private readonly rowsB = new Map<number, number>();

  constructor(
    readonly engine: Engine,
    readonly library: string,
    readonly settings: string,
    private readonly layouts: AthenaLayouts,
  ) {
    this.sizeBreakdown = layouts.sizeBreakdown?.bind(layouts);
    this.keyword = async (text, k) =>
      this.rowsOf(
        this.rowsA,
        await layouts.a.search.keyword(this.pidA, text, { limit: k, includeEmbedding: false }),
      );
    this.hybrid = async (vector, text, k) =>
      this.rowsOf(
        this.rowsA,
        await layouts.a.search.hybrid(
          this.pidA,
          { embedding: vector, text },
          { limit: k, includeEmbedding: false },
        ),
      );
  }

  private rowsOf(rows: Map<number, number>, hits: readonly { memory: { id: number } }[]): number[] {
    return hits.map((hit) => rows.get(hit.memory.id) ?? -1);
  }

  async load(data: Dataset): Promise<LoadFigures> {
    const { rows, projects } = data.spec;
    const { a, b } = this.layouts;
    // A: not the compared figure, but timed the same way.
    let started = now();
    this.pidA = (await a.projects.create({ name: 'peers', path: '/peers' })).id;
    await loadInto(a, data, () => this.pidA, this.rowsA);
    const secondsA = (now() - started) / 1000;

    started = now();
    for (let p = 0; p < projects; p++) {
      this.pidsB.push((await b.projects.create({ name: `peers-${p}`, path: `/peers/${p}` })).id);
    }
    await loadInto(b, data, (row) => this.pidsB[data.projectOf(row)] as number, this.rowsB);
    let how = `bulkLoad() + storeMany, ${LOAD_BATCH} per call, ${projects} projects`;
    if (b instanceof PostgresStore) {
      const graphs = await b.buildProjectGraphs();
      how += `; buildProjectGraphs(): ${graphs.created.length} project graphs`;
    }
    return {
      seconds: (now() - started) / 1000,
      how: `${how} (${rows} rows)`,
      note: `layout A (every row in one project, for the unfiltered searches) loaded in ${secondsA.toFixed(1)} s, not counted in its ingest row`,
    };
  }

  async semantic(vector: Float32Array, k: number): Promise<number[]> {
    const hits = await this.layouts.a.search.semantic(this.pidA, vector, {
      limit: k,
      includeEmbedding: false,
    });
    return this.rowsOf(this.rowsA, hits);
  }

  async filtered(vector: Float32Array, project: number, k: number): Promise<number[]> {
    const hits = await this.layouts.b.search.semantic(this.pidsB[project] as number, vector, {
      limit: k,
      includeEmbedding: false,
    });
    return this.rowsOf(this.rowsB, hits);
  }

  sizeBytes(): Promise<number> {
    return this.layouts.sizeBytes();
  }

  async close(): Promise<void> {
    await this.layouts.drop();
  }
}

/** Every row of `data` into `store` in one bulkLoad, LOAD_BATCH rows per storeMany. */
export async function loadInto(
  store: Store,
  data: Dataset,
  projectOf: (row: number) => number,
  rowOfId: Map<number, number>,
): Promise<void> {
  const { rows } = data.spec;
  await store.bulkLoad(
    async (tx) => {
      for (let start = 0; start < rows; start += LOAD_BATCH) {
        const end = Math.min(rows, start + LOAD_BATCH);
        // storeMany takes one project: group the batch by project.
        const byProject = new Map<number, number[]>();
        for (let row = start; row < end; row++) {
          const pid = projectOf(row);
          const list = byProject.get(pid) ?? [];
          list.push(row);
          byProject.set(pid, list);
        }
        for (const [pid, list] of byProject) {
          const ids = await tx.memories.storeMany(
            pid,
            list.map((row) => memoryInput(data, row)),
          );
          ids.forEach((id, i) => rowOfId.set(id, list[i] as number));
        }
      }
    },
    { memories: rows },
  );
}

/**
 * The index precision Athena's documentation advises for `rows` memories:
 * `half` from 50,000 on (a smaller graph, faster large projects), the
 * default `full` below (small projects are sorted, not searched through the
 * graph). Measured in `pnpm bench:layout`.
 */
export function advisedPrecision(rows: number): VectorIndexPrecision {
  return rows >= 50_000 ? 'half' : 'full';
}

/**
 * Athena's PostgreSQL store in two fresh schemas of `url`: HNSW m 16,
 * ef_construction 64, ef_search 40 (its defaults), and the index precision
 * its documentation advises for the tier's size.
 */
export async function athenaPostgres(
  url: string,
  dimension: number,
  version: string,
  precision: VectorIndexPrecision,
): Promise<AthenaSide> {
  const admin = new pg.Pool({ connectionString: url, max: 1 });
  const schemas = [`athena_peers_${process.pid}_a`, `athena_peers_${process.pid}_b`] as const;
  const [a, b] = schemas.map(
    (schema) =>
      new PostgresStore({
        connectionString: url,
        embeddingDimension: dimension,
        schema,
        vectorIndex: { type: 'hnsw', precision },
      }),
  ) as [PostgresStore, PostgresStore];
  await a.init();
  await b.init();
  return new AthenaSide(
    'postgres',
    `@athena/store-postgres ${version}`,
    `HNSW m 16, ef_construction 64, ef_search 40 (defaults), vectorIndex.precision '${precision}'${precision === 'full' ? ' (default)' : ' (advised from 50K memories)'}`,
    {
      a,
      b,
      sizeBytes: async () => {
        const { rows } = await admin.query<{ bytes: string }>(
          `select coalesce(sum(pg_total_relation_size(c.oid)), 0) as bytes
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and c.relkind in ('r', 'm')`,
          [schemas[0]],
        );
        return Number(rows[0]?.bytes ?? 0);
      },
      sizeBreakdown: async () => {
        // Every relation of schema A over 1 MiB: tables, their TOAST and indexes.
        const { rows } = await admin.query<{ name: string; bytes: string }>(
          `select c.relname as name, pg_relation_size(c.oid) as bytes
             from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = $1 and pg_relation_size(c.oid) > 1048576
            order by 2 desc`,
          [schemas[0]],
        );
        return rows
          .map(({ name, bytes }) => `${name} ${(Number(bytes) / 1048576).toFixed(0)} MiB`)
          .join(', ');
      },
      drop: async () => {
        await a.close();
        await b.close();
        for (const schema of schemas) await admin.query(`drop schema if exists ${schema} cascade`);
        await admin.end();
      },
    },
  );
}

/** Athena's SQLite store on two files in a temporary directory, with its defaults. */
export async function athenaSqlite(dimension: number, version: string): Promise<AthenaSide> {
  const dir = mkdtempSync(join(tmpdir(), 'athena-peers-'));
  const paths = [join(dir, 'a.db'), join(dir, 'b.db')] as const;
  const [a, b] = paths.map((path) => new SqliteStore({ path, embeddingDimension: dimension })) as [
    SqliteStore,
    SqliteStore,
  ];
  await a.init();
  await b.init();
  return new AthenaSide('sqlite', `@athena/store-sqlite ${version}`, 'defaults', {
    a,
    b,
    sizeBytes: async () => filesBytes(paths[0], `${paths[0]}-wal`),
    drop: async () => {
      await a.close();
      await b.close();
      rmSync(dir, { recursive: true, force: true });
    },
  });
}
