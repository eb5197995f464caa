import { generateDataset } from '../dataset.js';
import type { DatasetSpec } from '../dataset.js';
import { groundTruth, queryProject } from '../ground-truth.js';
import { now } from '../stats.js';
import { queryText, queryVector } from '../workload.js';
import { advisedPrecision, athenaPostgres, athenaSqlite } from './athena-side.js';
import { measureSides } from './measure-sides.js';
import type { SideLatency, SideLimits } from './measure-sides.js';
import { PEERS } from './peer-sides.js';
import type { PeerName } from './peer-sides.js';
import type { Engine, LoadFigures, VectorSide } from './side.js';
import { dropStalePeerObjects } from './stale.js';
import { installedVersion } from './versions.js';

/** The two data sets every side is measured on. */
export const PEER_DATASETS = {
  /** The core suite's data: 1,000 clusters, rows at cosine ≈ 0.8 to their centre. */
  spread: { clusters: 1000, noise: 0.75 },
  /** Fewer, tighter clusters: 100 centres, rows at cosine ≈ 0.9 to theirs. */
  tight: { clusters: 100, noise: 0.5 },
} as const;
export type PeerDatasetName = keyof typeof PEER_DATASETS;

/** One side's figures on one data set. */
export interface PeerSideResult {
  readonly name: string;
  readonly library: string;
  readonly engine: Engine;
  readonly settings: string;
  readonly load: LoadFigures & { readonly rowsPerSecond: number };
  readonly semantic: SideLatency;
  readonly filtered: SideLatency;
  /** null: the library does not offer it. */
  readonly keyword: SideLatency | null;
  readonly hybrid: SideLatency | null;
  readonly sizeBytes: number;
}

export interface PeersDatasetResult {
  readonly dataset: PeerDatasetName;
  readonly clusters: number;
  readonly noise: number;
  readonly sides: readonly PeerSideResult[];
  readonly notes: readonly string[];
}

export interface PeersRunOptions {
  readonly spec: DatasetSpec;
  readonly url: string;
  readonly peers: readonly PeerName[];
  readonly engines: readonly Engine[];
  readonly limits: SideLimits;
  readonly log: (message: string) => void;
}

const K = 10;

/**
 * Loads one data set into Athena and every chosen peer (one after another,
 * each timed alone), then measures every search interleaved across the
 * sides call by call, and closes them all (dropping what they created).
 */
async function runDataset(
  name: PeerDatasetName,
  options: PeersRunOptions,
): Promise<PeersDatasetResult> {
  const { url, log, limits } = options;
  const spec = { ...options.spec, ...PEER_DATASETS[name] };
  const data = generateDataset(spec);
  const truth = groundTruth(data, K);
  const { dimension, projects } = spec;
  const notes: string[] = [];

  const sides: VectorSide[] = [];
  try {
    if (options.engines.includes('postgres'))
      sides.push(
        await athenaPostgres(
          url,
          dimension,
          installedVersion('@athena/store-postgres'),
          advisedPrecision(spec.rows),
        ),
      );
    if (options.engines.includes('sqlite'))
      sides.push(await athenaSqlite(dimension, installedVersion('@athena/store-sqlite')));
    for (const peer of options.peers) {
      const definition = PEERS[peer];
      if (!options.engines.includes(definition.engine)) continue;
      if (definition.limit !== undefined && spec.rows > definition.limit.rows) {
        notes.push(
          `${peer} is run up to ${definition.limit.rows.toLocaleString('en-US')} rows, not at this tier: ${definition.limit.why}`,
        );
        continue;
      }
      sides.push(await definition.open({ url, dimension }));
    }

    const loads: (LoadFigures & { rowsPerSecond: number })[] = [];
    for (const side of sides) {
      log(`  ${name}: loading ${side.name} (${side.engine}) …`);
      const figures = await side.load(data);
      loads.push({ ...figures, rowsPerSecond: spec.rows / figures.seconds });
      log(`    ${figures.seconds.toFixed(1)} s`);
      if (figures.note) notes.push(`${side.name} (${side.engine}): ${figures.note}`);
    }

    const names = sides.map((side) => `${side.name}/${side.engine}`);
    const vector = (i: number) => queryVector(data, i);
    log(`  ${name}: semantic top-${K} …`);
    const semantic = await measureSides(
      names,
      (s, i) => (sides[s] as VectorSide).semantic(vector(i), K),
      (i) => truth.unfiltered[i % spec.queries] ?? [],
      limits,
      K,
    );
    log(`  ${name}: semantic top-${K}, one project of ${projects} …`);
    const filtered = await measureSides(
      names,
      (s, i) => (sides[s] as VectorSide).filtered(vector(i), queryProject(i, projects), K),
      (i) => truth.projectFiltered[i % spec.queries] ?? [],
      limits,
      K,
    );
    // Keyword and hybrid: only the sides that offer them, each with its own call.
    const offering = <F>(pick: (side: VectorSide) => F | undefined) =>
      sides.flatMap((side, s) => {
        const fn = pick(side);
        return fn === undefined ? [] : [{ s, fn }];
      });
    const keywordSides = offering((side) => side.keyword);
    const hybridSides = offering((side) => side.hybrid);
    log(`  ${name}: keyword and hybrid where offered …`);
    const keyword = await measureSides(
      keywordSides.map(({ s }) => names[s] as string),
      (j, i) => (keywordSides[j] as (typeof keywordSides)[number]).fn(queryText(data, i), K),
      () => null,
      limits,
      K,
    );
    const hybrid = await measureSides(
      hybridSides.map(({ s }) => names[s] as string),
      (j, i) =>
        (hybridSides[j] as (typeof hybridSides)[number]).fn(vector(i), queryText(data, i), K),
      () => null,
      limits,
      K,
    );
    const figuresOf = (offered: readonly { s: number }[], figures: SideLatency[], s: number) => {
      const at = offered.findIndex((entry) => entry.s === s);
      return at < 0 ? null : (figures[at] ?? null);
    };

    for (const side of sides) {
      if (side.sizeBreakdown)
        notes.push(
          `${side.name} (${side.engine}) tables and indexes: ${await side.sizeBreakdown()}`,
        );
    }
    const results: PeerSideResult[] = [];
    for (const [s, side] of sides.entries()) {
      results.push({
        name: side.name,
        library: side.library,
        engine: side.engine,
        settings: side.settings,
        load: loads[s] as PeerSideResult['load'],
        semantic: semantic[s] as SideLatency,
        filtered: filtered[s] as SideLatency,
        keyword: figuresOf(keywordSides, keyword, s),
        hybrid: figuresOf(hybridSides, hybrid, s),
        sizeBytes: await side.sizeBytes(),
      });
    }
    return { dataset: name, ...PEER_DATASETS[name], sides: results, notes };
  } finally {
    for (const side of sides) await side.close().catch(() => undefined);
  }
}

/** Runs both data sets; see {@link runDataset}. */
export async function runPeers(options: PeersRunOptions): Promise<{
  readonly datasets: PeersDatasetResult[];
  readonly seconds: number;
}> {
  const started = now();
  if (options.engines.includes('postgres')) await dropStalePeerObjects(options.url);
  const datasets: PeersDatasetResult[] = [];
  for (const name of Object.keys(PEER_DATASETS) as PeerDatasetName[]) {
    options.log(`peers: data set ${name} …`);
    datasets.push(await runDataset(name, options));
  }
  return { datasets, seconds: (now() - started) / 1000 };
}
