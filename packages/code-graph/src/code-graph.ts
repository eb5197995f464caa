import { extname, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { NotFoundError, ValidationError } from '@athena/core-types';
import type {
  CodeEntity,
  CodeEntityType,
  CodeHotspot,
  DependencyType,
  Embedder,
  FileEntityInput,
  HotspotOptions,
  ImpactedEntity,
  Memory,
  Store,
  StoreMemoryInput,
} from '@athena/core-types';
import { AthenaMemory } from '@athena/search';
import type { ExplainedResult } from '@athena/search';
import type { AnalysisThreadOptions } from './analysis-thread.js';
import { entityLabel } from './entity-label.js';
import { codeMemory } from './entity-memory.js';
import { FileQueue } from './file-queue.js';
import type { IndexProblem } from './index-problem.js';
import { terminalProgress } from './index-progress.js';
import type { IndexProgress, ProgressListener } from './index-progress.js';
import type { ExtractedEntity, FileIndex, LanguageIndexer } from './language-indexer.js';
import { PythonIndexer } from './python-indexer.js';
import { scanSourceFiles } from './scan-source-files.js';
import { TypeScriptIndexer } from './typescript-indexer.js';

/** Options of the {@link CodeGraph} constructor. */
export interface CodeGraphOptions {
  readonly store: Store;
  /** Embeds each entity's memory (as a document) and search queries. */
  readonly embedder: Embedder;
  /** Default: TypeScript/JavaScript and Python. */
  readonly languages?: readonly LanguageIndexer[];
  /**
   * Where the default languages analyse: a worker thread each (the default)
   * or the main thread, and the workers' heap limit. With `languages`, give
   * these options to the indexers instead.
   */
  readonly analysis?: AnalysisThreadOptions;
}

/** Options of {@link CodeGraph.index}. */
export interface IndexOptions {
  /** Only these files or directories under the root (relative to it); default all of it. Files outside them are left as stored. */
  readonly paths?: readonly string[];
  /** Directory names never scanned; default `DEFAULT_IGNORED_DIRECTORIES`. */
  readonly ignoredDirectories?: readonly string[];
  /** Larger files are reported and skipped; default 1 MiB. */
  readonly maxFileBytes?: number;
  /** Files per write transaction, 1–1000; default 50. */
  readonly batchSize?: number;
  /**
   * A project's first index embeds up to this many entities while the
   * analyses run, holding their vectors until its bulk load (about
   * 3 KiB each at 768 dimensions); the rest are embedded in the bulk load.
   * 0 embeds everything there. Default 32,768.
   */
  readonly embedAhead?: number;
  /** Re-index every file, changed or not. Default false. */
  readonly force?: boolean;
  /**
   * `auto` (default): a progress bar when stderr is a terminal, nothing
   * otherwise; `false`: nothing; a function: called with every update.
   */
  readonly progress?: 'auto' | false | ProgressListener;
}

/** What {@link CodeGraph.index} did. */
export interface IndexReport {
  readonly root: string;
  readonly files: {
    /** Readable source files under the root (or `paths`). */
    readonly scanned: number;
    /** Re-indexed: new, changed, or with imports that may now resolve. */
    readonly indexed: number;
    readonly unchanged: number;
    /** Stored files that are gone, removed with their entities, edges and memories. */
    readonly removed: number;
  };
  readonly entities: {
    readonly created: number;
    readonly updated: number;
    readonly unchanged: number;
    readonly removed: number;
  };
  /**
   * Edges written, and how many edges of the project wait for their target
   * after the run (a target in a file not indexed, or not unique).
   */
  readonly edges: { readonly written: number; readonly pending: number };
  /** References that resolve to no entity, recorded as written. */
  readonly unresolvedReferences: number;
  /** References into code outside the root (libraries, the standard library), counted only. */
  readonly externalReferences: number;
  readonly memories: { readonly created: number; readonly deleted: number };
  readonly problems: readonly IndexProblem[];
  /**
   * Milliseconds. `analyze`: from the start of the analyses (every language
   * at once) to the end of the last; `checker`: their time in a type
   * checker; `embed`: embedding the new entities; `write`: the store's share
   * of the writes (reads, writes, index builds). A re-index writes while
   * the analyses run and a first index embeds while they run, so `total`
   * is less than the sum of the phases.
   */
  readonly timings: {
    readonly scan: number;
    readonly analyze: number;
    readonly checker: number;
    readonly embed: number;
    readonly write: number;
    readonly total: number;
  };
}

/** Names an entity: the entity, its id, or a {@link CodeGraph.find} query that matches exactly one. */
export type EntityRef = CodeEntity | number | string;

/** Options of {@link CodeGraph.impactOf} and {@link CodeGraph.dependenciesOf}. */
export interface WalkOptions {
  /** 1–50, or `null` for no bound; default 5. */
  readonly maxDepth?: number | null;
  /** Dependency kinds to follow (`calls`, `imports`, `extends`, `implements`, `uses`); default all. */
  readonly kinds?: readonly DependencyType[];
  /** Report only entities of these types; the walk passes through the others. */
  readonly entityTypes?: readonly CodeEntityType[];
}

/** Options of {@link CodeGraph.search}. */
export interface CodeSearchOptions {
  /** 1–1000; default 10. */
  readonly limit?: number;
  /** Only entities of these languages (`typescript`, `javascript`, `python`). */
  readonly languages?: readonly string[];
  /** Only entities of these types. */
  readonly entityTypes?: readonly CodeEntityType[];
}

/** One hit of {@link CodeGraph.search}: the entity, and the memory that matched. */
export interface CodeSearchHit {
  readonly entity: CodeEntity;
  readonly score: number;
  readonly memory: Omit<Memory, 'embedding'>;
  readonly explain: string;
}

const DEFAULT_BATCH = 50;
/** Entities a first index embeds ahead of its bulk load at most (96 MiB of vectors at 768 dimensions). */
const DEFAULT_EMBED_AHEAD = 32_768;
/** Entities per write transaction at most, whatever the number of files. */
const MAX_BATCH_ENTITIES = 4_000;
const FILE_LINE = /^(.+):(\d+)$/;
/**
 * A project's first index writing at least this many entities runs as one
 * `store.bulkLoad()` (its batches as savepoints): all or nothing, and on
 * PostgreSQL, when the database holds no more memories than the load, the
 * ANN index is built once at the end instead of row by row (athena-python,
 * 12,511 entities: the write phase 26.7 s → 10.3 s, the HNSW build included).
 */
const BULK_FIRST_INDEX_ENTITIES = 1_000;

interface PlannedFile {
  readonly index: FileIndex;
  /** Per entity: the memory to keep (same key and code), or null for a new one. */
  readonly reuse: (number | null)[];
  /** Memories of the stored file that this version no longer uses (changed entities). */
  readonly stale: number[];
}

/**
 * Athena's code graph: indexes a repository's TypeScript, JavaScript and
 * Python into a {@link Store} — entities as code metadata with one memory
 * each (memory type `code`, found by `recall`), edges as code dependencies —
 * and answers impact questions inside the database.
 *
 * Indexing is incremental: only files whose content hash changed are read
 * again, entities that did not change keep their ids (and memories), files
 * that are gone are removed with their entities, edges and memories. Writes
 * go in batched transactions, each holding whole files.
 *
 * @example
 * ```ts
 * const graph = new CodeGraph({ store, embedder: new HashingEmbedder({ dimension: store.embeddingDimension }) });
 * const report = await graph.index(project.id, '/src/app');
 * const affected = await graph.impactOf(project.id, 'src/db.ts:42', { maxDepth: null });
 * ```
 */
export class CodeGraph {
  readonly #store: Store;
  readonly #embedder: Embedder;
  readonly #languages: readonly LanguageIndexer[];
  readonly #memory: AthenaMemory;

  constructor(options: CodeGraphOptions) {
    this.#store = options.store;
    this.#embedder = options.embedder;
    if (options.languages !== undefined && options.analysis !== undefined) {
      throw new ValidationError(
        'invalid options.analysis: with options.languages, give the analysis options to the indexers',
        [{ path: 'options.analysis', message: 'cannot be combined with options.languages' }],
      );
    }
    this.#languages = Object.freeze([
      ...(options.languages ?? [
        new TypeScriptIndexer(options.analysis),
        new PythonIndexer(options.analysis),
      ]),
    ]);
    this.#memory = new AthenaMemory({ store: options.store, embedder: options.embedder });
  }

  /**
   * Indexes the source files under `root` into project `projectId`. Bad
   * files (unreadable, binary, too large, syntax errors, links that loop or
   * leave the root) are reported in `problems`, never fatal.
   *
   * @example
   * ```ts
   * const report = await graph.index(project.id, '/src/app', { progress: false });
   * console.log(report.files.indexed, report.entities.created, report.problems);
   * ```
   */
  async index(projectId: number, root: string, options: IndexOptions = {}): Promise<IndexReport> {
    const batchSize = options.batchSize ?? DEFAULT_BATCH;
    if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1000) {
      throw new ValidationError('invalid options.batchSize: must be an integer in 1–1000', [
        { path: 'options.batchSize', message: 'must be an integer in 1–1000' },
      ]);
    }
    const embedAhead = options.embedAhead ?? DEFAULT_EMBED_AHEAD;
    if (!Number.isInteger(embedAhead) || embedAhead < 0) {
      throw new ValidationError('invalid options.embedAhead: must be an integer ≥ 0', [
        { path: 'options.embedAhead', message: 'must be an integer ≥ 0' },
      ]);
    }
    if (this.#embedder.dimension !== this.#store.embeddingDimension) {
      throw new ValidationError(
        `the embedder makes ${this.#embedder.dimension}-dimensional vectors, the store holds ${this.#store.embeddingDimension}`,
        [{ path: 'embedder', message: `must have dimension ${this.#store.embeddingDimension}` }],
      );
    }
    const project = await this.#store.projects.get(projectId);
    if (project === null) throw new NotFoundError('project', projectId);

    const started = performance.now();
    const listener =
      options.progress === false
        ? null
        : typeof options.progress === 'function'
          ? options.progress
          : terminalProgress();
    let entitiesSeen = 0;
    const report = (phase: IndexProgress['phase'], filesDone: number, filesTotal: number) => {
      if (listener === null) return;
      const elapsedMs = performance.now() - started;
      listener({
        phase,
        filesDone,
        filesTotal,
        entities: entitiesSeen,
        elapsedMs,
        filesPerSecond: elapsedMs > 0 ? (filesDone * 1000) / elapsedMs : 0,
      });
    };

    // Scan.
    report('scan', 0, 0);
    const byExtension = new Map<string, LanguageIndexer>();
    for (const language of this.#languages) {
      for (const extension of language.extensions) byExtension.set(extension, language);
    }
    const scan = scanSourceFiles(root, {
      extensions: new Set(byExtension.keys()),
      configFileNames: new Set(this.#languages.flatMap((l) => l.configFileNames)),
      ...(options.paths === undefined ? {} : { paths: options.paths }),
      ...(options.ignoredDirectories === undefined
        ? {}
        : { ignoredDirectories: options.ignoredDirectories }),
      ...(options.maxFileBytes === undefined ? {} : { maxFileBytes: options.maxFileBytes }),
    });
    const realRoot = resolve(root);
    const problems: IndexProblem[] = [...scan.problems];
    const scanMs = performance.now() - started;

    // What changed since the stored version.
    const storedModules = await this.#store.code.findEntities(projectId, {
      entityTypes: ['module'],
    });
    const stored = new Map(storedModules.map((m) => [m.filePath, m]));
    const onDisk = new Set(scan.files.map((f) => f.path));
    const skipped = new Set(problems.map((p) => p.path));
    const inScope = scopeOf(options.paths);
    const removedFiles = [...stored.keys()].filter(
      (path) => inScope(path) && !onDisk.has(path) && !skipped.has(path),
    );
    const changed = new Set(
      scan.files
        .filter((f) => options.force === true || stored.get(f.path)?.codeHash !== f.hash)
        .map((f) => f.path),
    );
    // A file that comes or goes can resolve another file's unresolved import: index that one again.
    if ([...changed].some((path) => !stored.has(path)) || removedFiles.length > 0) {
      const moduleFile = new Map(storedModules.map((m) => [m.id, m.filePath]));
      const imports = await this.#store.code.unresolvedReferences(projectId, {
        dependencyType: 'imports',
      });
      for (const reference of imports) {
        const path = moduleFile.get(reference.fromEntityId);
        if (path !== undefined && onDisk.has(path)) changed.add(path);
      }
    }

    // Analyze every language at once (each built-in one on its own worker thread); write a
    // batch of whole files per transaction, while the others are analysed when the project
    // has been indexed before.
    const analyzeStarted = performance.now();
    let analyzed = 0;
    report('analyze', 0, changed.size);
    const queue = new FileQueue(batchSize, MAX_BATCH_ENTITIES);
    const stopAnalyses = new AbortController();
    let checkerMs = 0;
    let analyzeMs = 0;
    const analyses = Promise.all(
      this.#languages.map(async (language) => {
        const files = scan.files.filter((f) => byExtension.get(extname(f.path)) === language);
        const mine = new Set(files.filter((f) => changed.has(f.path)).map((f) => f.path));
        if (mine.size === 0) return;
        const result = await language.analyze({
          root: realRoot,
          files,
          changed: mine,
          configFiles: scan.configFiles,
          signal: stopAnalyses.signal,
          onFile: (index) => {
            analyzed += 1;
            entitiesSeen += index.entities.length;
            queue.push(index);
            report('analyze', analyzed, changed.size);
          },
        });
        problems.push(...result.problems);
        checkerMs += result.checkerMs;
      }),
    ).then(
      () => {
        analyzeMs = performance.now() - analyzeStarted;
        queue.close();
      },
      (error: unknown) => {
        queue.fail(error);
        throw error;
      },
    );

    const totals = {
      created: 0,
      updated: 0,
      unchanged: 0,
      removed: 0,
      edges: 0,
      unresolved: 0,
      external: 0,
      memoriesCreated: 0,
      memoriesDeleted: 0,
      embedMs: 0,
      storeMs: 0,
    };
    let filesWritten = 0;
    /** The vectors of `contents`, as documents, with the time it took in totals.embedMs. */
    const embed = async (contents: readonly string[]): Promise<Float32Array[]> => {
      if (contents.length === 0) return [];
      const embedStarted = performance.now();
      const vectors = await this.#embedder.embedMany(contents, { inputType: 'document' });
      totals.embedMs += performance.now() - embedStarted;
      return vectors;
    };
    /** Writes a batch of files in one transaction; `embedded` holds vectors made ahead, per entity. */
    const writeBatch = async (
      batch: readonly FileIndex[],
      embedded?: ReadonlyMap<FileIndex, readonly Float32Array[]>,
    ): Promise<void> => {
      const planned = await this.#plan(projectId, batch, stored);
      const fresh = planned.flatMap((p) =>
        p.index.entities.flatMap((entity, i) =>
          p.reuse[i] === null
            ? [{ memory: codeMemory(p.index.filePath, entity), ahead: embedded?.get(p.index)?.[i] }]
            : [],
        ),
      );
      const made = await embed(
        fresh.flatMap((f) => (f.ahead === undefined ? [f.memory.content] : [])),
      );
      let next = 0;
      const vectors = fresh.map((f) => f.ahead ?? (made[next++] as Float32Array));
      const modelId = this.#embedder.modelId;
      await this.#store.transaction(async (tx) => {
        const inputs: StoreMemoryInput[] = fresh.map(({ memory }, i) => ({
          ...memory,
          embedding: vectors[i] as Float32Array,
          embeddingModel: modelId,
        }));
        const ids = inputs.length === 0 ? [] : await tx.memories.storeMany(projectId, inputs);
        let next = 0;
        const obsolete: number[] = [];
        for (const { index, reuse, stale } of planned) {
          const result = await tx.code.replaceFile(projectId, index.filePath, {
            entities: index.entities.map((entity, i) => ({
              ...withoutExcerpt(entity),
              memoryId: reuse[i] ?? (ids[next++] as number),
            })),
            edges: index.edges,
            unresolved: index.unresolved,
          });
          totals.created += result.created;
          totals.updated += result.updated;
          totals.unchanged += result.unchanged;
          totals.removed += result.removed.length;
          totals.edges += result.resolvedEdges + result.unresolvedEdges;
          totals.unresolved += result.unresolvedReferences;
          totals.external += index.external;
          obsolete.push(...stale);
          for (const gone of result.removed)
            if (gone.memoryId !== null) obsolete.push(gone.memoryId);
        }
        for (const id of obsolete) await tx.memories.delete(projectId, id);
        totals.memoriesCreated += ids.length;
        totals.memoriesDeleted += obsolete.length;
      });
      filesWritten += batch.length;
      // Once the analyses are done the run is writing only: say how far it is.
      if (queue.closed) report('write', filesWritten, analyzed + removedFiles.length);
    };
    // Writes files in batches, the store's share of their time (all but embedding) in totals.storeMs.
    const writeFiles = async (
      files: readonly FileIndex[],
      embedded?: ReadonlyMap<FileIndex, readonly Float32Array[]>,
    ): Promise<void> => {
      for (const batch of batches(dependencyOrder(files), batchSize)) {
        const started = performance.now();
        const embedBefore = totals.embedMs;
        await writeBatch(batch, embedded);
        totals.storeMs += performance.now() - started - (totals.embedMs - embedBefore);
      }
    };
    const writeAll = async (): Promise<void> => {
      for (let files = await queue.next(); files !== null; files = await queue.next()) {
        await writeFiles(files);
      }
    };
    const writes = (async () => {
      if (storedModules.length > 0) {
        await writeAll();
        return;
      }
      // A project's first index is written once the analyses are done: at 1,000 entities or
      // more as one bulk load (see BULK_FIRST_INDEX_ENTITIES), whose transaction must not
      // stay open while they run (on SQLite every other caller of the store would wait).
      // Nothing is stored yet, so every entity needs a new memory: its vector is made
      // while the analyses run (up to embedAhead of them), and the bulk load writes.
      const files: FileIndex[] = [];
      const embedded = new Map<FileIndex, readonly Float32Array[]>();
      let ahead = 0;
      let embeddedFiles = 0;
      for (let next = await queue.next(); next !== null; next = await queue.next()) {
        for (const batch of batches(next, batchSize)) {
          files.push(...batch);
          const entities = batch.reduce((sum, index) => sum + index.entities.length, 0);
          if (ahead + entities > embedAhead) continue;
          ahead += entities;
          const vectors = await embed(
            batch.flatMap((index) =>
              index.entities.map((entity) => codeMemory(index.filePath, entity).content),
            ),
          );
          let at = 0;
          for (const index of batch) {
            embedded.set(index, vectors.slice(at, (at += index.entities.length)));
          }
          embeddedFiles += batch.length;
          // Once the analyses are done the run is embedding only: say how far it is.
          if (queue.closed) report('embed', embeddedFiles, analyzed);
        }
      }
      const writeEmbedded = () => writeFiles(files, embedded);
      if (entitiesSeen >= BULK_FIRST_INDEX_ENTITIES) {
        await this.#store.bulkLoad(writeEmbedded, { memories: entitiesSeen });
      } else {
        await writeEmbedded();
      }
    })();
    try {
      await Promise.all([analyses, writes]);
    } catch (error) {
      stopAnalyses.abort(error);
      queue.fail(error);
      await Promise.allSettled([analyses, writes]);
      throw error;
    }
    const indexed = filesWritten;
    if (removedFiles.length > 0) {
      const removeStarted = performance.now();
      await this.#store.transaction(async (tx) => {
        for (const path of removedFiles) {
          const result = await tx.code.replaceFile(projectId, path, { entities: [] });
          totals.removed += result.removed.length;
          for (const gone of result.removed) {
            if (gone.memoryId !== null && (await tx.memories.delete(projectId, gone.memoryId))) {
              totals.memoriesDeleted += 1;
            }
          }
        }
      });
      totals.storeMs += performance.now() - removeStarted;
      filesWritten += removedFiles.length;
      report('write', filesWritten, filesWritten);
    }
    problems.sort(
      (a, b) =>
        a.path.localeCompare(b.path) ||
        (a.line ?? 0) - (b.line ?? 0) ||
        a.kind.localeCompare(b.kind),
    );
    const pending = (await this.#store.code.unresolvedDependencies(projectId)).length;
    report('done', filesWritten, filesWritten);
    return {
      root: realRoot,
      files: {
        scanned: scan.files.length,
        indexed,
        unchanged: scan.files.length - indexed,
        removed: removedFiles.length,
      },
      entities: {
        created: totals.created,
        updated: totals.updated,
        unchanged: totals.unchanged,
        removed: totals.removed,
      },
      edges: { written: totals.edges, pending },
      unresolvedReferences: totals.unresolved,
      externalReferences: totals.external,
      memories: { created: totals.memoriesCreated, deleted: totals.memoriesDeleted },
      problems,
      timings: {
        scan: scanMs,
        analyze: analyzeMs,
        checker: checkerMs,
        embed: totals.embedMs,
        write: totals.storeMs,
        total: performance.now() - started,
      },
    };
  }

  /** Which stored memories each entity of a batch keeps: same key and same code hash. */
  async #plan(
    projectId: number,
    batch: readonly FileIndex[],
    stored: ReadonlyMap<string, CodeEntity>,
  ): Promise<PlannedFile[]> {
    const planned: PlannedFile[] = [];
    for (const index of batch) {
      const previous = stored.has(index.filePath)
        ? await this.#store.code.findEntities(projectId, { filePath: index.filePath })
        : [];
      const byKey = new Map(previous.map((e) => [`${e.qualifiedName}\u0000${e.entityType}`, e]));
      const kept = new Set<number>();
      const reuse = index.entities.map((entity) => {
        const old = byKey.get(`${entity.qualifiedName}\u0000${entity.entityType}`);
        if (old !== undefined && old.memoryId !== null && old.codeHash === entity.codeHash) {
          kept.add(old.memoryId);
          return old.memoryId;
        }
        return null;
      });
      // Memories of entities that stay but changed; removed entities' come back from replaceFile.
      const names = new Set(index.entities.map((e) => `${e.qualifiedName}\u0000${e.entityType}`));
      const stale = previous.flatMap((e) =>
        e.memoryId !== null &&
        !kept.has(e.memoryId) &&
        names.has(`${e.qualifiedName}\u0000${e.entityType}`)
          ? [e.memoryId]
          : [],
      );
      planned.push({ index, reuse, stale });
    }
    return planned;
  }

  /**
   * Entities by `file:line` (the innermost entity around that line), by file
   * path (its module), by qualified name (`Reader.run`, or `pkg.mod.Reader.run`
   * for Python: a module's name followed by an entity's), or by short name.
   *
   * @example
   * ```ts
   * await graph.find(project.id, 'src/db.ts:42'); // [the method around line 42]
   * await graph.find(project.id, 'PgTable'); // every entity named PgTable
   * ```
   */
  async find(projectId: number, query: string): Promise<CodeEntity[]> {
    const text = typeof query === 'string' ? query.trim() : '';
    if (text.length === 0) {
      throw new ValidationError('invalid query: must be a non-empty string', [
        { path: 'query', message: 'must be a non-empty string' },
      ]);
    }
    const code = this.#store.code;
    const place = FILE_LINE.exec(text);
    if (place !== null) {
      const around = await code.findEntities(projectId, {
        filePath: place[1] as string,
        line: Number(place[2]),
      });
      const span = (e: CodeEntity) => (e.endLine ?? 0) - (e.startLine ?? 0);
      const innermost = Math.min(...around.map(span));
      return around.filter((e) => span(e) === innermost);
    }
    const asFile = await code.findEntities(projectId, { filePath: text, entityTypes: ['module'] });
    if (asFile.length > 0) return asFile;
    const qualified = await code.findEntities(projectId, { qualifiedName: text });
    if (qualified.length > 0) return qualified;
    // `pkg.mod.Reader.run`: the longest module name that is a prefix, then the rest in that module.
    const parts = text.split('.');
    for (let cut = parts.length - 1; cut >= 1; cut--) {
      const modules = await code.findEntities(projectId, {
        qualifiedName: parts.slice(0, cut).join('.'),
        entityTypes: ['module'],
      });
      const rest = parts.slice(cut).join('.');
      const found: CodeEntity[] = [];
      for (const module of modules) {
        found.push(
          ...(await code.findEntities(projectId, {
            filePath: module.filePath,
            qualifiedName: rest,
          })),
        );
      }
      if (found.length > 0) return found;
    }
    return code.findEntities(projectId, { name: text });
  }

  /**
   * Everything that depends on an entity, transitively: each once, with its
   * depth and one shortest path (ids from the entity to it), computed by a
   * recursive query in the database; safe on cycles.
   *
   * @example
   * ```ts
   * const affected = await graph.impactOf(project.id, 'src/db.ts:42', { maxDepth: 3, kinds: ['calls'] });
   * ```
   */
  async impactOf(
    projectId: number,
    entity: EntityRef,
    options: WalkOptions = {},
  ): Promise<ImpactedEntity[]> {
    return this.#walk(projectId, entity, 'dependents', options);
  }

  /**
   * Everything an entity depends on, transitively: the other direction of {@link impactOf}.
   *
   * @example
   * ```ts
   * const needs = await graph.dependenciesOf(project.id, 'athena.core.store', { maxDepth: null });
   * ```
   */
  async dependenciesOf(
    projectId: number,
    entity: EntityRef,
    options: WalkOptions = {},
  ): Promise<ImpactedEntity[]> {
    return this.#walk(projectId, entity, 'dependencies', options);
  }

  /**
   * The most depended-on entities (fan-in), or the most dependent ones
   * (`orderBy: 'fanOut'`), counted in the database.
   *
   * @example
   * ```ts
   * const [top] = await graph.hotspots(project.id, { limit: 10, entityTypes: ['class'] });
   * ```
   */
  hotspots(projectId: number, options?: HotspotOptions): Promise<CodeHotspot[]> {
    return this.#store.code.hotspots(projectId, options);
  }

  /**
   * Semantic (hybrid) search over the code memories only, each hit led back
   * to its entity. No access is recorded: it is a lookup, not a recall.
   *
   * @example
   * ```ts
   * const hits = await graph.search(project.id, 'parse the configuration file', { limit: 5 });
   * ```
   */
  async search(
    projectId: number,
    query: string,
    options: CodeSearchOptions = {},
  ): Promise<CodeSearchHit[]> {
    const limit = options.limit ?? 10;
    const tags = [...(options.languages ?? []), ...(options.entityTypes ?? [])];
    // Each filter is a tag; asking for several languages or types needs one search each.
    const combos =
      (options.languages?.length ?? 0) > 1 || (options.entityTypes?.length ?? 0) > 1
        ? cartesian(options.languages ?? [null], options.entityTypes ?? [null])
        : [tags];
    const results: ExplainedResult<Omit<Memory, 'embedding'>>[] = [];
    for (const combo of combos) {
      results.push(
        ...(await this.#memory.search(projectId, query, {
          limit,
          includeEmbedding: false,
          filters: { memoryTypes: ['code'], ...(combo.length > 0 ? { tags: combo } : {}) },
        })),
      );
    }
    results.sort((a, b) => b.score - a.score);
    const hits: CodeSearchHit[] = [];
    const byFile = new Map<string, CodeEntity[]>();
    for (const result of results.slice(0, limit)) {
      const file = result.memory.domain;
      if (file === null) continue;
      let entities = byFile.get(file);
      if (entities === undefined) {
        entities = await this.#store.code.findEntities(projectId, { filePath: file });
        byFile.set(file, entities);
      }
      const entity = entities.find((e) => e.memoryId === result.memory.id);
      if (entity !== undefined) {
        hits.push({ entity, score: result.score, memory: result.memory, explain: result.explain });
      }
    }
    return hits;
  }

  /** The one entity a reference names; `NotFoundError` for none, `ValidationError` for several. */
  async resolve(projectId: number, entity: EntityRef): Promise<CodeEntity> {
    if (typeof entity === 'object' && entity !== null) return entity;
    if (typeof entity === 'number') {
      const found = await this.#store.code.getEntity(projectId, entity);
      if (found === null)
        throw new NotFoundError('code entity', entity, { details: { projectId } });
      return found;
    }
    const found = await this.find(projectId, entity);
    if (found.length === 1) return found[0] as CodeEntity;
    if (found.length === 0) {
      throw new NotFoundError('code entity', entity, { details: { projectId } });
    }
    const candidates = found.slice(0, 10).map((e) => entityLabel(e));
    throw new ValidationError(
      `invalid entity: ${JSON.stringify(entity)} names ${found.length} entities (${candidates.join('; ')}); give file:line or a qualified name`,
      [{ path: 'entity', message: `ambiguous: ${found.length} entities` }],
    );
  }

  async #walk(
    projectId: number,
    ref: EntityRef,
    direction: 'dependents' | 'dependencies',
    options: WalkOptions,
  ): Promise<ImpactedEntity[]> {
    const entity = await this.resolve(projectId, ref);
    return this.#store.code.traverse(projectId, entity.id, {
      direction,
      ...(options.maxDepth === undefined ? {} : { maxDepth: options.maxDepth }),
      ...(options.kinds === undefined ? {} : { dependencyTypes: options.kinds }),
      ...(options.entityTypes === undefined ? {} : { entityTypes: options.entityTypes }),
    });
  }
}

/** The fields `replaceFile()` takes: an entity without its memory excerpt. */
function withoutExcerpt(entity: ExtractedEntity): FileEntityInput {
  return {
    name: entity.name,
    qualifiedName: entity.qualifiedName,
    entityType: entity.entityType,
    language: entity.language ?? null,
    signature: entity.signature ?? null,
    docstring: entity.docstring ?? null,
    startLine: entity.startLine ?? null,
    endLine: entity.endLine ?? null,
    complexity: entity.complexity ?? null,
    codeHash: entity.codeHash ?? null,
    exported: entity.exported ?? null,
  };
}

/** Whether a stored file lies in the scanned `paths` (all of them when none were given). */
function scopeOf(paths: readonly string[] | undefined): (path: string) => boolean {
  if (paths === undefined) return () => true;
  const prefixes = paths.map((p) => p.replace(/^\.\/?/, '').replace(/\/+$/, ''));
  return (path) =>
    prefixes.some((prefix) => prefix === '' || path === prefix || path.startsWith(`${prefix}/`));
}

/**
 * The files with the ones they depend on first (a depth-first post-order
 * over their edges), so that most edges find their target already written
 * instead of waiting in the pending table; cycles are cut anywhere.
 */
function dependencyOrder(indexes: readonly FileIndex[]): FileIndex[] {
  const byPath = new Map(indexes.map((index) => [index.filePath, index]));
  const done = new Set<string>();
  const order: FileIndex[] = [];
  for (const start of indexes) {
    if (done.has(start.filePath)) continue;
    done.add(start.filePath);
    const stack: { index: FileIndex; targets: Iterator<string> }[] = [
      { index: start, targets: targetsOf(start) },
    ];
    while (stack.length > 0) {
      const top = stack[stack.length - 1] as { index: FileIndex; targets: Iterator<string> };
      const next = top.targets.next();
      if (next.done === true) {
        order.push(top.index);
        stack.pop();
        continue;
      }
      const target = byPath.get(next.value);
      if (target !== undefined && !done.has(target.filePath)) {
        done.add(target.filePath);
        stack.push({ index: target, targets: targetsOf(target) });
      }
    }
  }
  return order;
}

function targetsOf(index: FileIndex): Iterator<string> {
  const targets = new Set<string>();
  for (const edge of index.edges) {
    if (edge.to.filePath !== undefined && edge.to.filePath !== index.filePath)
      targets.add(edge.to.filePath);
  }
  return targets.values();
}

/** Consecutive runs of at most `size` files and {@link MAX_BATCH_ENTITIES} entities. */
function* batches(indexes: readonly FileIndex[], size: number): Generator<FileIndex[]> {
  let batch: FileIndex[] = [];
  let entities = 0;
  for (const index of indexes) {
    if (
      batch.length > 0 &&
      (batch.length >= size || entities + index.entities.length > MAX_BATCH_ENTITIES)
    ) {
      yield batch;
      batch = [];
      entities = 0;
    }
    batch.push(index);
    entities += index.entities.length;
  }
  if (batch.length > 0) yield batch;
}

function cartesian(
  languages: readonly (string | null)[],
  types: readonly (string | null)[],
): string[][] {
  return languages.flatMap((language) =>
    types.map((type) => [language, type].filter((t): t is string => t !== null)),
  );
}
