import { statSync } from 'node:fs';
import type { Dataset } from '../dataset.js';

/** Where a side keeps its vectors: the comparison is always within one engine. */
export type Engine = 'postgres' | 'sqlite';

/** What loading the data set into a side took. */
export interface LoadFigures {
  /** Wall time of the whole load: inserts, the library's own index build, statistics. */
  readonly seconds: number;
  /** How the side loaded, in words (batch sizes, what built the index). */
  readonly how: string;
  /** What else the load measured, for the notes. */
  readonly note?: string;
}

/**
 * One library under test, through its own public API: Athena itself or a
 * peer. Every search returns the data set's row numbers of its hits, best
 * first, so recall is computed the same way for every side.
 */
export interface VectorSide {
  /** Short name in tables: `athena`, `mastra`, `langchain`, `llamaindex`. */
  readonly name: string;
  /** The package measured and its installed version, e.g. `@mastra/pg 1.27.1`. */
  readonly library: string;
  readonly engine: Engine;
  /** What the side was configured with beyond its defaults (HNSW parameters, ef_search), and why. */
  readonly settings: string;
  /** Loads every row of `data` (with its project as metadata) and builds the side's index. */
  load(data: Dataset): Promise<LoadFigures>;
  /** Top-k by cosine similarity over every row. */
  semantic(vector: Float32Array, k: number): Promise<number[]>;
  /** Top-k over the rows of one project (0-based), through the side's own filter. */
  filtered(vector: Float32Array, project: number, k: number): Promise<number[]>;
  /** Full-text top-k, where the library offers it. */
  readonly keyword?: (text: string, k: number) => Promise<number[]>;
  /** Vector + full-text fused top-k, where the library offers it. */
  readonly hybrid?: (vector: Float32Array, text: string, k: number) => Promise<number[]>;
  /** Bytes on disk of everything the side created: tables, indexes, TOAST (SQLite: file + WAL). */
  sizeBytes(): Promise<number>;
  /** Where those bytes are, relation by relation, for the notes (where the side can tell). */
  readonly sizeBreakdown?: () => Promise<string>;
  /** Drops what the side created and releases its connections. */
  close(): Promise<void>;
}

/** Bytes of the files that exist among `paths` (a database file and its WAL). */
export function filesBytes(...paths: readonly string[]): number {
  let bytes = 0;
  for (const path of paths) bytes += statSync(path, { throwIfNoEntry: false })?.size ?? 0;
  return bytes;
}
