import { planFileReplacement } from '@athena/core-types';
import type {
  CodeEntity,
  FileReplacementPlan,
  NewCodeEntity,
  NormalizedReplaceFile,
  ReplaceFileResult,
} from '@athena/core-types';

/** A replaced file's plan, with what every backend derives from it around its own statements. */
export interface FileReplacement {
  readonly plan: FileReplacementPlan;
  /** Names whose pending edges may resolve once the file is written: the inserted entities' and the removed ones'. */
  readonly resolvableNames: ReadonlySet<string>;
  /** The file's entities in input order: `written` (inserted and updated, by input index) completed with the unchanged ones as stored. */
  entities(written: readonly (CodeEntity | undefined)[]): CodeEntity[];
  /** What `replaceFile()` returns once `resolvedEdges` of the file's edges resolved. */
  result(entities: CodeEntity[], resolvedEdges: number): ReplaceFileResult;
}

/**
 * Plans `code.replaceFile()` from the file's stored entities and the parsed
 * input (see `planFileReplacement`), so that every backend completes and
 * reports it the same way.
 *
 * @example
 * ```ts
 * const replacement = fileReplacement(stored, file);
 * replacement.plan.remove.map((entity) => entity.id); // ids to delete
 * return replacement.result(replacement.entities(written), resolvedEdges);
 * ```
 */
export function fileReplacement(
  stored: readonly CodeEntity[],
  file: NormalizedReplaceFile,
): FileReplacement {
  const plan = planFileReplacement(stored, file.entities);
  return {
    plan,
    resolvableNames: new Set([
      ...plan.insert.map((index) => (file.entities[index] as NewCodeEntity).qualifiedName),
      ...plan.remove.map((entity) => entity.qualifiedName),
    ]),
    entities(written) {
      const entities = [...written];
      const byId = new Map(stored.map((entity) => [entity.id, entity]));
      for (const { index, id } of plan.unchanged) entities[index] = byId.get(id);
      return entities as CodeEntity[];
    },
    result: (entities, resolvedEdges) => ({
      entities,
      created: plan.insert.length,
      updated: plan.update.length,
      unchanged: plan.unchanged.length,
      removed: [...plan.remove],
      resolvedEdges,
      unresolvedEdges: file.edges.length - resolvedEdges,
      unresolvedReferences: file.unresolved.length,
    }),
  };
}
