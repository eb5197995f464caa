import type { Store } from '@athena/core-types';
import type { Dataset } from '../dataset.js';
import { now } from '../stats.js';
import { LOAD_BATCH, memoryInput, progressBar } from '../workload.js';

/**
 * Loads the whole tier into project `projectId` through `memories.storeMany`
 * in batches of LOAD_BATCH, with a progress bar: the API side of the bulk import.
 */
export async function loadThroughApi(
  store: Store,
  projectId: number,
  data: Dataset,
  label: string,
): Promise<{ readonly ids: number[]; readonly seconds: number }> {
  const { rows } = data.spec;
  const ids: number[] = new Array(rows);
  const bar = progressBar(label, rows);
  const t0 = now();
  for (let start = 0; start < rows; start += LOAD_BATCH) {
    const end = Math.min(rows, start + LOAD_BATCH);
    const batch = [];
    for (let r = start; r < end; r++) batch.push(memoryInput(data, r));
    const got = await store.memories.storeMany(projectId, batch);
    got.forEach((id, k) => (ids[start + k] = id));
    bar.update(end);
  }
  const seconds = (now() - t0) / 1000;
  bar.stop();
  return { ids, seconds };
}
