import type { PostgresStore } from '@athena/store-postgres';
import pgvector from 'pgvector';
import { now, summarise } from '../stats.js';
import { queryVector } from '../workload.js';
import type { BenchContext } from '../workload.js';
import { query, rawStatements, vectorParam, withVector } from './raw-sql.js';
import type { RawPool, Row } from './raw-sql.js';

/**
 * The semantic top-10 of the store decomposed: the raw twin, then one
 * difference at a time (unnamed statement, the vector as decimal text, bound
 * twice as 17-digit text, the BEGIN/set_config/COMMIT wrapper, the
 * embedding as decimal text parsed by JSON.parse or pgvector.fromSql), the
 * twin without the embedding column, and the store itself. p50 in ms, variants interleaved query by query.
 */
export async function overheadBreakdown(
  raw: RawPool,
  store: PostgresStore,
  schema: string,
  pid: number,
  data: BenchContext['data'],
  n: number,
): Promise<Record<string, number>> {
  const twin = rawStatements(schema).semantic;
  const twice = twin.replace(
    'embedding <=> $2::vector as distance',
    'embedding <=> $3::vector as distance',
  );
  const noVector = twin.replace(/vector_send\(c\.embedding\) as embedding,\s+/, '');
  const asText = twin.replace('vector_send(c.embedding) as embedding', 'c.embedding');
  if (noVector === twin || asText === twin || twice === twin)
    throw new Error('the semantic twin changed shape: update its variants');
  const qBin = (i: number) => vectorParam(queryVector(data, i));
  const q9 = (i: number) =>
    `[${Array.from(queryVector(data, i), (x) => x.toPrecision(9)).join(',')}]`;
  const q17 = (i: number) => JSON.stringify(Array.from(queryVector(data, i)));
  const parseJson = (rows: Row[]) => rows.map(withVector);
  const parseText = (rows: Row[]) =>
    rows.map((row) => new Float32Array(JSON.parse(row.embedding as string) as number[]));
  const parsePgvector = (rows: Row[]) =>
    rows.map((row) => Float32Array.from(pgvector.fromSql(row.embedding as string) as number[]));
  const wrapped = async (text: string, values: unknown[], named: boolean) => {
    const client = await raw.connect();
    try {
      await client.query('begin');
      await client.query(
        "select set_config('hnsw.ef_search', '40', true), set_config('hnsw.iterative_scan', 'relaxed_order', true), set_config('ivfflat.probes', '10', true), set_config('ivfflat.iterative_scan', 'relaxed_order', true)",
      );
      const result = named
        ? await client.query<Row>({ name: 'ov-wrapped', text, values })
        : await client.query<Row>(text, values);
      await client.query('commit');
      return result.rows;
    } finally {
      client.release();
    }
  };
  const variants: Record<string, (i: number) => Promise<unknown>> = {
    'raw twin: prepared, 1 round trip, vectors binary both ways': async (i) =>
      parseJson(await query(raw, 'ov-twin', twin, [pid, qBin(i)])),
    '+ unnamed statement (parsed and planned every call)': async (i) =>
      parseJson((await raw.query<Row>(twin, [pid, qBin(i)])).rows),
    '+ vector as 9-digit decimal text': async (i) =>
      parseJson(await query(raw, 'ov-twin', twin, [pid, q9(i)])),
    '+ vector bound twice as 17-digit decimal text': async (i) =>
      parseJson(await query(raw, 'ov-twice', twice, [pid, q17(i), q17(i)])),
    '+ BEGIN; set_config(…); … COMMIT (3 more round trips)': async (i) =>
      parseJson(await wrapped(twin, [pid, qBin(i)], true)),
    '+ embedding as decimal text, JSON.parse': async (i) =>
      parseText(await query(raw, 'ov-text', asText, [pid, qBin(i)])),
    '+ embedding as decimal text, pgvector.fromSql': async (i) =>
      parsePgvector(await query(raw, 'ov-text', asText, [pid, qBin(i)])),
    'raw twin without the embedding column': async (i) =>
      query(raw, 'ov-novector', noVector, [pid, qBin(i)]),
    'the store: search.semantic': (i) => store.search.semantic(pid, queryVector(data, i)),
    'the store: search.semantic, includeEmbedding false': (i) =>
      store.search.semantic(pid, queryVector(data, i), { includeEmbedding: false }),
  };
  const times = new Map<string, number[]>(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < n + 5; i++) {
    for (const [name, fn] of Object.entries(variants)) {
      const started = now();
      await fn(i);
      if (i >= 5) times.get(name)?.push(now() - started);
    }
  }
  return Object.fromEntries([...times].map(([name, list]) => [name, summarise(list).p50]));
}
