import { ValidationError } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { ConsolidationFront } from '../src/index.js';
import type { ConsolidationBackend } from '../src/index.js';

/** A backend that records the arguments each method receives. */
function recordingBackend() {
  const calls: [string, unknown[]][] = [];
  const record =
    <T>(name: string, result: T) =>
    (...args: unknown[]) => {
      calls.push([name, args]);
      return Promise.resolve(result);
    };
  const backend: ConsolidationBackend = {
    transition: record('transition', null as never),
    transitionMany: record('transitionMany', 0),
    lock: record('lock', undefined),
    recordRun: record('recordRun', null as never),
    listRuns: record('listRuns', []),
    history: record('history', []),
    logPosition: record('logPosition', 0),
    changedSince: record('changedSince', []),
    claimBatch: record('claimBatch', []),
    releaseExpired: record('releaseExpired', 0),
    labilize: record('labilize', []),
    reconsolidationWindow: record('reconsolidationWindow', []),
  };
  return {
    backend,
    calls,
    consolidation: new ConsolidationFront(backend, { embeddingDimension: 2 }),
  };
}

describe('ConsolidationFront', () => {
  it('parses transition options against the parsed target and memory id', async () => {
    const { consolidation, calls } = recordingBackend();
    const at = new Date(1_000);
    await consolidation.transition(1, 7, 'superseded', { supersededBy: 8, at });
    expect(calls).toEqual([
      ['transition', [1, 7, 'superseded', { reason: null, actor: null, supersededBy: 8, at }]],
    ]);
    await expect(consolidation.transition(1, 7, 'superseded', { supersededBy: 7 })).rejects.toThrow(
      /cannot supersede itself/,
    );
    await expect(consolidation.transition(1, 7, 'superseded')).rejects.toThrow(
      /supersededBy required/,
    );
    expect(calls).toHaveLength(1);
  });

  it('names the first bad argument, in the order the stores checked them', async () => {
    const { consolidation, calls } = recordingBackend();
    await expect(consolidation.transition(0, -1, 'nowhere' as never)).rejects.toThrow(/projectId/);
    await expect(consolidation.transition(1, -1, 'nowhere' as never)).rejects.toThrow(/memoryId/);
    await expect(consolidation.changedSince(0, -1, ['nowhere' as never])).rejects.toThrow(
      /projectId/,
    );
    await expect(consolidation.changedSince(1, -1, ['nowhere' as never])).rejects.toThrow(
      /position/,
    );
    await expect(consolidation.labilize(1, [0], new Date(Number.NaN))).rejects.toThrow(/ids/);
    expect(calls).toEqual([]);
  });

  it('hands changedSince and transitionMany their arguments parsed together, defaults filled', async () => {
    const { consolidation, calls } = recordingBackend();
    await consolidation.changedSince(1, 5);
    await consolidation.transitionMany(1, [], { at: new Date(2_000) });
    expect(calls[0]).toEqual(['changedSince', [1, { position: 5, states: null }]]);
    expect(calls[1]?.[1][1]).toMatchObject({ changes: [], at: new Date(2_000) });
  });

  it("validates lock()'s projectId though a backend may not use it", async () => {
    const { consolidation, calls } = recordingBackend();
    const error = await consolidation.lock(0).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).message).toMatch(/projectId/);
    await consolidation.lock(3);
    expect(calls).toEqual([['lock', [3]]]);
  });
});
