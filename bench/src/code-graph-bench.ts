/**
 * `pnpm bench:code-graph`: indexes the real corpora (drizzle-orm, athena-python)
 * on each backend and reports indexing speed, re-index times, impact-query
 * latency and peak memory. Each (corpus, backend) runs in a child process of
 * its own, so that its peak RSS is its own.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';
import { getHeapStatistics } from 'node:v8';
import { CodeGraph, DEFAULT_ANALYSIS_HEAP_MB } from '@athena/code-graph';
import type { IndexReport } from '@athena/code-graph';
import { readVariable } from '@athena/core-types';
import type { EmbedOptions, Embedder, Store } from '@athena/core-types';
import { HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';

const HERE = dirname(fileURLToPath(import.meta.url));
const CORPORA = ['drizzle-orm', 'athena-python'] as const;
const BACKENDS = ['sqlite', 'postgres'] as const;
const DIMENSION = 768;
const IMPACT_SAMPLES = 50;

type Corpus = (typeof CORPORA)[number];
type Backend = (typeof BACKENDS)[number];

/** What one child run measures. */
interface RunResult {
  readonly corpus: Corpus;
  readonly backend: Backend;
  readonly files: number;
  readonly entities: number;
  readonly edges: number;
  readonly pendingEdges: number;
  readonly unresolvedReferences: number;
  readonly externalReferences: number;
  readonly problems: number;
  readonly fullMs: number;
  readonly timings: IndexReport['timings'];
  readonly filesPerSecond: number;
  readonly entitiesPerSecond: number;
  readonly noChangeMs: number;
  readonly changedFiles: number;
  readonly onePercentMs: number;
  readonly hotspot: { readonly entity: string; readonly fanIn: number };
  readonly impact: {
    readonly depth3: { readonly results: number; readonly p50: number; readonly p95: number };
    readonly unbounded: { readonly results: number; readonly p50: number; readonly p95: number };
  };
  readonly peakRssMiB: number;
  /** The wait per embedded text (`--embed-latency-ms`); 0: the hashing embedder as is. */
  readonly embedLatencyMs: number;
  /** V8's heap limit in the child (`--max-old-space-size`, e.g. through NODE_OPTIONS). */
  readonly heapLimitMiB: number;
}

/**
 * The hashing embedder behind a wait of `latencyMs` per text, as an embedding
 * server answers: what the index overlaps with its analyses is then the wait.
 */
class LatentEmbedder implements Embedder {
  readonly #inner = new HashingEmbedder({ dimension: DIMENSION });
  readonly dimension = this.#inner.dimension;
  readonly modelId = this.#inner.modelId;
  readonly #latencyMs: number;

  constructor(latencyMs: number) {
    this.#latencyMs = latencyMs;
  }

  async embed(text: string, options?: EmbedOptions): Promise<Float32Array> {
    await sleep(this.#latencyMs);
    return this.#inner.embed(text, options);
  }

  async embedMany(texts: readonly string[], options?: EmbedOptions): Promise<Float32Array[]> {
    await sleep(texts.length * this.#latencyMs);
    return this.#inner.embedMany(texts, options);
  }
}

function corporaDir(): string {
  const candidates = [
    process.env.ATHENA_CORPORA_DIR,
    join(HERE, '..', '..', '..', 'shared', 'corpora'),
    '/work/shared/corpora',
  ].filter((c): c is string => c !== undefined && c !== '');
  const found = candidates.find((dir) => existsSync(join(dir, 'drizzle-orm.tar.gz')));
  if (found === undefined) {
    throw new Error(`no corpora found in ${candidates.join(', ')} (set ATHENA_CORPORA_DIR)`);
  }
  return found;
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))] ?? 0;
}

async function timeImpact(
  graph: CodeGraph,
  projectId: number,
  entityId: number,
  maxDepth: number | null,
): Promise<{ results: number; p50: number; p95: number }> {
  let results = 0;
  const samples: number[] = [];
  for (let i = 0; i < IMPACT_SAMPLES + 5; i++) {
    const started = performance.now();
    results = (await graph.impactOf(projectId, entityId, { maxDepth })).length;
    if (i >= 5) samples.push(performance.now() - started); // 5 warm-up runs
  }
  samples.sort((a, b) => a - b);
  return { results, p50: percentile(samples, 0.5), p95: percentile(samples, 0.95) };
}

/** Source files of the corpus, by path, for the 1 % change. */
function sourceFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === 'node_modules' || name === '.git') continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (/\.(ts|tsx|py)$/.test(name) && !name.endsWith('.d.ts')) out.push(path);
    }
  };
  walk(root);
  return out;
}

async function child(
  corpus: Corpus,
  backend: Backend,
  url: string,
  embedLatencyMs: number,
): Promise<RunResult> {
  const dir = mkdtempSync(join(tmpdir(), `athena-bench-code-${corpus}-`));
  let store: Store | undefined;
  const schema = `athena_bench_code_${process.pid}`;
  try {
    execFileSync('tar', ['xzf', join(corporaDir(), `${corpus}.tar.gz`), '-C', dir]);
    const root = join(dir, corpus);
    store =
      backend === 'sqlite'
        ? new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension: DIMENSION })
        : new PostgresStore({ connectionString: url, schema, embeddingDimension: DIMENSION });
    await store.init();
    const project = await store.projects.create({ name: corpus, path: root });
    const embedder =
      embedLatencyMs > 0
        ? new LatentEmbedder(embedLatencyMs)
        : new HashingEmbedder({ dimension: DIMENSION });
    const graph = new CodeGraph({ store, embedder });

    const full = await graph.index(project.id, root, { progress: 'auto' });
    const entities = full.entities.created;
    const noChange = await graph.index(project.id, root, { progress: false });

    const files = sourceFiles(root);
    const changed = files.filter((_, i) => i % 100 === 0);
    for (const path of changed) {
      appendFileSync(
        path,
        path.endsWith('.py') ? '\n# benchmark change\n' : '\n// benchmark change\n',
      );
    }
    const onePercent = await graph.index(project.id, root, { progress: false });

    const [hotspot] = await graph.hotspots(project.id, { limit: 1 });
    if (hotspot === undefined) throw new Error('no hotspot: nothing was indexed');
    const depth3 = await timeImpact(graph, project.id, hotspot.entity.id, 3);
    const unbounded = await timeImpact(graph, project.id, hotspot.entity.id, null);
    return {
      corpus,
      backend,
      files: full.files.indexed,
      entities,
      edges: full.edges.written,
      pendingEdges: full.edges.pending,
      unresolvedReferences: full.unresolvedReferences,
      externalReferences: full.externalReferences,
      problems: full.problems.length,
      fullMs: full.timings.total,
      timings: full.timings,
      filesPerSecond: (full.files.indexed * 1000) / full.timings.total,
      entitiesPerSecond: (entities * 1000) / full.timings.total,
      noChangeMs: noChange.timings.total,
      changedFiles: onePercent.files.indexed,
      onePercentMs: onePercent.timings.total,
      hotspot: {
        entity: `${hotspot.entity.filePath}:${hotspot.entity.qualifiedName}`,
        fanIn: hotspot.fanIn,
      },
      impact: { depth3, unbounded },
      peakRssMiB: process.resourceUsage().maxRSS / 1024,
      embedLatencyMs,
      heapLimitMiB: getHeapStatistics().heap_size_limit / 2 ** 20,
    };
  } finally {
    await store?.close();
    if (backend === 'postgres') {
      const { default: pg } = await import('pg');
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      await client.query(`drop schema if exists "${schema}" cascade`);
      await client.end();
    }
    rmSync(dir, { recursive: true, force: true });
  }
}

const fmt = (n: number, digits = 1) => n.toFixed(digits);

/** The embedder's added wait, as the report's header states it. */
function latencyNote(results: readonly RunResult[]): string {
  const latency = results[0]?.embedLatencyMs ?? 0;
  return latency > 0
    ? `, behind a wait of ${latency} ms per text (\`--embed-latency-ms\`, a stand-in for an embedding server)`
    : '';
}

function markdown(results: readonly RunResult[], started: Date): string {
  const lines = [
    `# Code graph benchmark, ${started.toISOString()}`,
    '',
    `Machine: ${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${fmt(totalmem() / 2 ** 30)} GiB. ` +
      `Embedder: athena-hash-v2-${DIMENSION}${latencyNote(results)}. Impact: ${IMPACT_SAMPLES} runs after 5 warm-ups, on the top fan-in entity. ` +
      `V8 heap limit: ${[...new Set(results.map((r) => `${fmt(r.heapLimitMiB, 0)} MiB`))].join(', ')}` +
      `${process.env.NODE_OPTIONS ? ` (NODE_OPTIONS=${process.env.NODE_OPTIONS})` : ' (the default)'}. ` +
      `Analysis: on a worker thread per language, heap limit ${DEFAULT_ANALYSIS_HEAP_MB} MiB each (the default); ` +
      'a first index embeds while the analyses run and writes once they are done; a re-index writes while they run.',
    '',
    '| corpus | backend | files | entities | edges | unresolved refs | full index | files/s | entities/s | analyze | checker | embed | write | no-change re-index | speed-up | 1 % changed | impact depth 3 p50/p95 | impact unbounded p50/p95 | peak RSS |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of results) {
    lines.push(
      `| ${r.corpus} | ${r.backend} | ${r.files} | ${r.entities} | ${r.edges} | ${r.unresolvedReferences} | ` +
        `${fmt(r.fullMs / 1000)} s | ${fmt(r.filesPerSecond)} | ${fmt(r.entitiesPerSecond, 0)} | ` +
        `${fmt(r.timings.analyze / 1000)} s | ${fmt(r.timings.checker / 1000)} s | ${fmt(r.timings.embed / 1000)} s | ${fmt(r.timings.write / 1000)} s | ` +
        `${fmt(r.noChangeMs / 1000, 2)} s | ${fmt(r.fullMs / r.noChangeMs, 0)}× | ` +
        `${fmt(r.onePercentMs / 1000)} s (${r.changedFiles} files) | ` +
        `${fmt(r.impact.depth3.p50, 2)} / ${fmt(r.impact.depth3.p95, 2)} ms (${r.impact.depth3.results}) | ` +
        `${fmt(r.impact.unbounded.p50, 2)} / ${fmt(r.impact.unbounded.p95, 2)} ms (${r.impact.unbounded.results}) | ` +
        `${fmt(r.peakRssMiB, 0)} MiB |`,
    );
  }
  lines.push('', 'Hotspots:', '');
  for (const r of results)
    lines.push(
      `- ${r.corpus} on ${r.backend}: \`${r.hotspot.entity}\` (fan-in ${r.hotspot.fanIn})`,
    );
  lines.push('');
  return lines.join('\n');
}

const { values } = parseArgs({
  options: {
    child: { type: 'string' },
    corpus: { type: 'string', default: 'all' },
    backend: { type: 'string', default: 'all' },
    out: { type: 'string' },
    'embed-latency-ms': { type: 'string', default: '0' },
  },
});
const embedLatencyMs = Number(values['embed-latency-ms']);
if (!Number.isFinite(embedLatencyMs) || embedLatencyMs < 0) {
  console.error('--embed-latency-ms must be a number ≥ 0 (milliseconds per embedded text)');
  process.exit(2);
}
const url = readVariable(process.env, 'ATHENA_BENCH_DATABASE_URL');

if (values.child !== undefined) {
  const [corpus, backend] = values.child.split(':') as [Corpus, Backend];
  const result = await child(corpus, backend, url, embedLatencyMs);
  process.stdout.write(`${JSON.stringify(result)}\n`);
} else {
  const corpora = CORPORA.filter((c) => values.corpus === 'all' || values.corpus === c);
  const backends = BACKENDS.filter((b) => values.backend === 'all' || values.backend === b);
  const started = new Date();
  const results: RunResult[] = [];
  for (const corpus of corpora) {
    for (const backend of backends) {
      console.error(`code graph: ${corpus} on ${backend}…`);
      const run = spawnSync(
        process.execPath,
        [
          ...process.execArgv,
          fileURLToPath(import.meta.url),
          '--child',
          `${corpus}:${backend}`,
          '--embed-latency-ms',
          String(embedLatencyMs),
        ],
        { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 64 * 2 ** 20 },
      );
      if (run.status !== 0) throw new Error(`${corpus} on ${backend} failed (${run.status})`);
      const result = JSON.parse(run.stdout.trim().split('\n').pop() as string) as RunResult;
      results.push(result);
      console.error(
        `  ${result.files} files, ${result.entities} entities in ${fmt(result.fullMs / 1000)} s ` +
          `(${fmt(result.filesPerSecond)} files/s, checker ${fmt(result.timings.checker / 1000)} s); ` +
          `no change ${fmt(result.noChangeMs / 1000, 2)} s; impact unbounded p50 ${fmt(result.impact.unbounded.p50, 2)} ms; ` +
          `peak RSS ${fmt(result.peakRssMiB, 0)} MiB`,
      );
    }
  }
  const outDir = resolve(values.out ?? join(HERE, '..', 'results'));
  mkdirSync(outDir, { recursive: true });
  const stamp = started.toISOString().slice(0, 16).replace(/[T:]/g, '-');
  const text = markdown(results, started);
  writeFileSync(join(outDir, `code-graph-${stamp}.json`), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(outDir, `code-graph-${stamp}.md`), text);
  console.log(text);
}
