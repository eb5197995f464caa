import type { MemoryWithoutEmbedding } from '@athena/core-types';

/**
 * A memory without its vector: what an app shows or returns (a vector is
 * hundreds of numbers no reader wants, and JSON turns a `Float32Array` into
 * an object of indexes).
 *
 * @example
 * ```ts
 * const saved = await memory.remember(project.id, 'Use pnpm');
 * console.log(JSON.stringify(withoutEmbedding(saved)));
 * ```
 */
export function withoutEmbedding<M extends MemoryWithoutEmbedding>(
  memory: M,
): MemoryWithoutEmbedding {
  const rest: Record<string, unknown> = { ...memory };
  delete rest['embedding'];
  return rest as unknown as MemoryWithoutEmbedding;
}
