import type { CodeEntity } from './code.js';
import type { NewCodeEntity } from './validation/code.js';
import { codeEntityKey } from './validation/code.js';

/** What `code.replaceFile()` must write, decided by comparing the stored file with the input. */
export interface FileReplacementPlan {
  /** Indexes into the input of entities the file does not hold yet. */
  readonly insert: readonly number[];
  /** Entities that exist with at least one changed field: input index and stored id. */
  readonly update: readonly { readonly index: number; readonly id: number }[];
  /** Entities stored exactly as the input says. */
  readonly unchanged: readonly { readonly index: number; readonly id: number }[];
  /** Stored entities the input no longer declares. */
  readonly remove: readonly CodeEntity[];
}

/** The fields a re-index may change; the key (file, qualified name, type) never does. */
const FIELDS = [
  'name',
  'language',
  'signature',
  'docstring',
  'startLine',
  'endLine',
  'complexity',
  'codeHash',
  'exported',
  'memoryId',
] as const satisfies readonly (keyof CodeEntity & keyof NewCodeEntity)[];

/**
 * Compares a file's stored entities with the entities a re-index found, by
 * key, so that every backend inserts, updates, keeps and deletes exactly the
 * same rows (and an unchanged entity keeps its `updatedAt`).
 *
 * @example
 * ```ts
 * const plan = planFileReplacement(storedEntities, parseReplaceFile(path, input).entities);
 * plan.remove.map((entity) => entity.id); // ids to delete
 * ```
 */
export function planFileReplacement(
  stored: readonly CodeEntity[],
  entities: readonly NewCodeEntity[],
): FileReplacementPlan {
  const byKey = new Map(stored.map((entity) => [codeEntityKey(entity), entity]));
  const insert: number[] = [];
  const update: { index: number; id: number }[] = [];
  const unchanged: { index: number; id: number }[] = [];
  entities.forEach((entity, index) => {
    const key = codeEntityKey(entity);
    const existing = byKey.get(key);
    if (existing === undefined) {
      insert.push(index);
      return;
    }
    byKey.delete(key);
    const changed = FIELDS.some((field) => existing[field] !== entity[field]);
    (changed ? update : unchanged).push({ index, id: existing.id });
  });
  return { insert, update, unchanged, remove: [...byKey.values()] };
}
