import type { StoreMemoryInput } from '@athena/core-types';
import type { ExtractedEntity } from './language-indexer.js';

/** Characters of a code memory's content at most. */
export const CODE_MEMORY_CHARS = 1_000;

/**
 * The memory of a code entity, without its vector: what it is and where,
 * its signature, its doc comment and the start of its source, so that both
 * keyword and vector search find it by name, by words of its documentation
 * and by identifiers in its code. Lines are left out: an entity that only
 * moved keeps its memory. The file is the memory's domain, which leads a
 * search hit back to its entity.
 *
 * @example
 * ```ts
 * const input = codeMemory('src/io.ts', entity); // { content: 'function read in src/io.ts …', memoryType: 'code', … }
 * ```
 */
export function codeMemory(
  filePath: string,
  entity: ExtractedEntity,
): Omit<StoreMemoryInput, 'embedding'> {
  const parts = [`${entity.entityType} ${entity.qualifiedName} in ${filePath}`];
  if (entity.signature) parts.push(entity.signature);
  if (entity.docstring) parts.push(entity.docstring);
  parts.push(entity.excerpt);
  let content = parts.join('\n').slice(0, CODE_MEMORY_CHARS);
  if (content.trim().length === 0) content = `${entity.entityType} ${entity.qualifiedName}`;
  return {
    content,
    contentType: 'code',
    memoryType: 'code',
    domain: filePath,
    tags: ['code', entity.language ?? 'unknown', entity.entityType],
    codeLanguage: entity.language ?? null,
    codeHash: entity.codeHash ?? null,
  };
}
