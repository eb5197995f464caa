import type { ConsolidationState } from './consolidation.js';

/** What kind of knowledge a memory holds. */
export type MemoryType = 'fact' | 'pattern' | 'decision' | 'context' | 'code' | 'insight';

/** Every {@link MemoryType}. */
export const MEMORY_TYPES: readonly MemoryType[] = Object.freeze([
  'fact',
  'pattern',
  'decision',
  'context',
  'code',
  'insight',
]);

/** The format of a memory's content. */
export type ContentType = 'text' | 'code' | 'markdown' | 'json';

/** Every {@link ContentType}. */
export const CONTENT_TYPES: readonly ContentType[] = Object.freeze([
  'text',
  'code',
  'markdown',
  'json',
]);

/**
 * A vector as accepted on input: a plain array or a typed array. Stored as
 * 32-bit floats on every backend.
 */
export type EmbeddingInput = ArrayLike<number>;

/** A stored memory (Athena table `memory_vectors`). */
export interface Memory {
  readonly id: number;
  readonly projectId: number;
  readonly content: string;
  readonly contentType: ContentType;
  readonly memoryType: MemoryType;
  readonly domain: string | null;
  readonly tags: readonly string[];
  /** The vector, as stored (32-bit floats). */
  readonly embedding: Float32Array;
  /** Identifier of the model that produced `embedding`, when known. */
  readonly embeddingModel: string | null;
  readonly accessCount: number;
  /** Last time the memory was read or used (`recordAccess`). */
  readonly lastAccessed: Date | null;
  /** Last time the memory was returned by a recall (`recordAccess` with `retrieved`). */
  readonly lastRetrieved: Date | null;
  /** How useful the memory proved, in [0, 1]. */
  readonly usefulnessScore: number;
  /** Confidence in the memory's truth, in [0, 1]. */
  readonly confidence: number;
  /** Derived: see {@link qualityScore}. */
  readonly qualityScore: number;
  readonly consolidationState: ConsolidationState;
  readonly consolidatedAt: Date | null;
  /** The memory that replaced this one, when `superseded`. */
  readonly supersededBy: number | null;
  /** The worker holding a consolidation claim, while `consolidating`. */
  readonly claimedBy: string | null;
  /** When the current claim lapses, while `consolidating`. */
  readonly claimExpiresAt: Date | null;
  /** Starts at 1; every `update()` increments it. */
  readonly version: number;
  readonly sessionId: string | null;
  readonly eventType: string | null;
  readonly codeLanguage: string | null;
  readonly codeHash: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `memories.store()` and `memories.storeMany()`. */
export interface StoreMemoryInput {
  readonly content: string;
  readonly embedding: EmbeddingInput;
  /** Default `text`. */
  readonly contentType?: ContentType;
  /** Default `fact`. */
  readonly memoryType?: MemoryType;
  readonly domain?: string | null;
  /** Deduplicated; each tag non-empty. Default none. */
  readonly tags?: readonly string[];
  readonly embeddingModel?: string | null;
  /** In [0, 1]; default 0. */
  readonly usefulnessScore?: number;
  /** In [0, 1]; default 1. */
  readonly confidence?: number;
  readonly sessionId?: string | null;
  readonly eventType?: string | null;
  readonly codeLanguage?: string | null;
  readonly codeHash?: string | null;
  /** Creation instant; default now. Useful for imports. */
  readonly createdAt?: Date;
}

/**
 * Input of `memories.update()`: only the fields given change. The
 * consolidation state changes only through the consolidation repository.
 */
export interface UpdateMemoryInput {
  readonly content?: string;
  readonly embedding?: EmbeddingInput;
  readonly embeddingModel?: string | null;
  readonly contentType?: ContentType;
  readonly memoryType?: MemoryType;
  readonly domain?: string | null;
  readonly tags?: readonly string[];
  readonly usefulnessScore?: number;
  readonly confidence?: number;
}

/** Options of `memories.recordAccess()`. */
export interface RecordAccessOptions {
  /** Also set `lastRetrieved` (the memory was returned by a recall). Default false. */
  readonly retrieved?: boolean;
  /** The instant of the access; default now. */
  readonly at?: Date;
}

/**
 * The weights of the quality score: 0.5·usefulness + 0.3·confidence +
 * 0.2·min(access_count / 100, 1).
 */
export const QUALITY_WEIGHTS = Object.freeze({
  usefulness: 0.5,
  confidence: 0.3,
  access: 0.2,
  accessSaturation: 100,
});

/**
 * A memory's quality score in [0, 1]: 0.5·usefulness + 0.3·confidence +
 * 0.2·min(accessCount / 100, 1). Backends compute the same number in SQL.
 *
 * @example
 * ```ts
 * qualityScore({ usefulnessScore: 1, confidence: 1, accessCount: 50 }); // 0.9
 * ```
 */
export function qualityScore(memory: {
  readonly usefulnessScore: number;
  readonly confidence: number;
  readonly accessCount: number;
}): number {
  const access = Math.min(memory.accessCount / QUALITY_WEIGHTS.accessSaturation, 1);
  return (
    QUALITY_WEIGHTS.usefulness * memory.usefulnessScore +
    QUALITY_WEIGHTS.confidence * memory.confidence +
    QUALITY_WEIGHTS.access * access
  );
}
