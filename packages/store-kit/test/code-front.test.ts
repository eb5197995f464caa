import { ValidationError } from '@athena/core-types';
import type { CodeEntity } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { CodeFront, fileReplacement } from '../src/index.js';
import type { CodeBackend } from '../src/index.js';

const entity = (id: number, qualifiedName: string, codeHash: string | null = null): CodeEntity => ({
  id,
  projectId: 1,
  filePath: 'src/a.ts',
  name: qualifiedName,
  qualifiedName,
  entityType: 'function',
  language: null,
  signature: null,
  docstring: null,
  startLine: null,
  endLine: null,
  complexity: null,
  codeHash,
  exported: null,
  memoryId: null,
  createdAt: new Date(0),
  updatedAt: new Date(0),
});

/** A backend that records the parsed arguments of the calls the front derives. */
function recordingBackend() {
  const calls: [string, ...unknown[]][] = [];
  const unused = () => Promise.reject(new Error('not called'));
  const backend: CodeBackend = {
    upsertEntities: async (...args) => {
      calls.push(['upsertEntities', ...args]);
      return args[1].map((e, i) => ({ ...entity(i + 1, e.qualifiedName), filePath: e.filePath }));
    },
    traverse: async (...args) => {
      calls.push(['traverse', ...args]);
      return [];
    },
    replaceFile: unused,
    unresolvedDependencies: unused,
    unresolvedReferences: unused,
    getEntity: unused,
    findEntities: unused,
    deleteEntity: unused,
    addDependency: unused,
    removeDependency: unused,
    dependenciesOf: unused,
    dependentsOf: unused,
    hotspots: unused,
  };
  return { backend, calls };
}

describe('CodeFront', () => {
  it('upserts one entity as a batch of one, naming `entity` in its errors', async () => {
    const { backend, calls } = recordingBackend();
    const code = new CodeFront(backend, { embeddingDimension: 2 });
    const upserted = await code.upsertEntity(1, {
      filePath: 'src/a.ts',
      name: 'run',
      entityType: 'function',
    });
    expect(upserted).toMatchObject({ id: 1, qualifiedName: 'run', filePath: 'src/a.ts' });
    expect(calls).toHaveLength(1);
    expect(calls[0]?.[0]).toBe('upsertEntities');
    expect(calls[0]?.[1]).toBe(1);
    const error = await code
      .upsertEntity(1, { filePath: 'src/a.ts', name: '', entityType: 'function' })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/ entity\.name:/);
    await expect(code.upsertEntity(0, { name: '' } as never)).rejects.toThrow(/projectId/);
    expect(calls).toHaveLength(1);
  });

  it('walks impact as a traverse towards dependents, with its defaults', async () => {
    const { backend, calls } = recordingBackend();
    const code = new CodeFront(backend, { embeddingDimension: 2 });
    await code.impact(1, 7);
    await code.impact(1, 7, { maxDepth: 2 });
    expect(calls).toEqual([
      ['traverse', 1, 7, expect.objectContaining({ direction: 'dependents' })],
      ['traverse', 1, 7, expect.objectContaining({ direction: 'dependents', maxDepth: 2 })],
    ]);
    await expect(code.impact(1, 0)).rejects.toThrow(/entityId/);
    await expect(code.impact(0, 0)).rejects.toThrow(/projectId/);
    expect(calls).toHaveLength(2);
  });
});

describe('fileReplacement', () => {
  it('completes the written entities with the unchanged ones and reports the plan', () => {
    const stored = [entity(1, 'kept'), entity(2, 'changed'), entity(3, 'gone')];
    const input = (qualifiedName: string, codeHash: string | null = null) => ({
      ...entity(0, qualifiedName, codeHash),
    });
    const replacement = fileReplacement(stored, {
      filePath: 'src/a.ts',
      entities: [input('kept'), input('changed', 'h'), input('new')],
      edges: [],
      unresolved: [],
    });
    expect(replacement.plan.unchanged).toEqual([{ index: 0, id: 1 }]);
    expect([...replacement.resolvableNames]).toEqual(['new', 'gone']);
    const written = [undefined, entity(2, 'changed', 'h'), entity(4, 'new')];
    const entities = replacement.entities(written);
    expect(entities.map((e) => e.id)).toEqual([1, 2, 4]);
    expect(written[0]).toBeUndefined();
    expect(replacement.result(entities, 0)).toMatchObject({
      created: 1,
      updated: 1,
      unchanged: 1,
      removed: [stored[2]],
      resolvedEdges: 0,
      unresolvedEdges: 0,
      unresolvedReferences: 0,
    });
  });
});
