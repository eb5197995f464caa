/**
 * A synthetic source tree for the `code.replaceFile` rows: files of functions
 * and methods whose edges point into the same file and into other files, and
 * re-indexes that change a few entities, as an incremental index after an
 * edit does.
 */
import type { FileEdgeInput, FileEntityInput } from '@athena/core-types';

/** One file as an indexer reports it. */
export interface CodeFile {
  readonly path: string;
  readonly entities: readonly FileEntityInput[];
  readonly edges: readonly FileEdgeInput[];
}

/** Files in the tree, entities per file, outgoing edges per file. */
export const CODE_TREE = Object.freeze({ files: 100, entities: 20, edges: 30 });

const pathOf = (file: number) => `src/module-${file}.ts`;

function entity(file: number, index: number, version: number): FileEntityInput {
  const owner = `Service${index % 4}`;
  const name = `op${index}`;
  return {
    name,
    qualifiedName: index % 2 === 0 ? name : `${owner}.${name}`,
    entityType: index % 2 === 0 ? 'function' : 'method',
    language: 'typescript',
    signature: `${name}(input: Input${index}): Output${index}`,
    startLine: 1 + index * 10,
    endLine: 8 + index * 10,
    codeHash: `${file}:${index}:${version}`,
  };
}

/**
 * File `file` of the tree at `version`: version v changes two of its
 * entities' hashes (as an edit does), everything else stays as it was.
 */
export function codeFile(file: number, version = 0): CodeFile {
  const { files, entities: count, edges: edgeCount } = CODE_TREE;
  const entities = Array.from({ length: count }, (_, index) =>
    entity(file, index, index === version % count || index === (version + 7) % count ? version : 0),
  );
  const edges: FileEdgeInput[] = Array.from({ length: edgeCount }, (_, k) => {
    const from = entities[k % count] as FileEntityInput;
    const target = (k * 7 + 3) % count;
    const targetFile = k % 3 === 0 ? file : (file + 1 + k) % files;
    const to = entity(targetFile, target, 0);
    return {
      from: { qualifiedName: from.qualifiedName ?? from.name, entityType: from.entityType },
      to: {
        qualifiedName: to.qualifiedName ?? to.name,
        filePath: pathOf(targetFile),
        entityType: to.entityType,
      },
      dependencyType: 'calls',
    };
  });
  return { path: pathOf(file), entities, edges };
}
