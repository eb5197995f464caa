import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createConsolidator } from '@athena/consolidation';
import { HashingEmbedder } from '@athena/search';
import { SqliteStore } from '@athena/store-sqlite';
import { consolidateAll, loadSet, readOutcome, representativesOf } from './src/consolidation-evaluation.js';
import { predictedClusters } from './src/consolidation-outcome.js';
import { loadConsolidationNotes } from './src/corpus.js';
const notes = loadConsolidationNotes();
const embedder = new HashingEmbedder({ dimension: 768 });
const store = new SqliteStore({ path: join(mkdtempSync(join(tmpdir(), 'dbg-')), 'x.db'), embeddingDimension: 768 });
await store.init();
const p = await store.projects.create({ name: 'x', path: '/x' });
const nm = await loadSet(store, embedder, p.id, notes);
await consolidateAll(createConsolidator({ store, embedder, options: { similarityThreshold: Number(process.argv[2]), duplicateThreshold: Number(process.argv[3]), workerId: 'x', episodes: false } }), p.id);
const { outcome } = await readOutcome(store, p.id, nm);
const pc = predictedClusters(outcome);
const split = process.argv[4] ?? 'tune';
const groups = new Map<string, string[]>();
for (const n of notes) if (n.split === split && n.kind !== 'singleton') groups.set(n.group, [...(groups.get(n.group) ?? []), n.id]);
for (const [g, m] of groups) {
  const clusters = new Set(m.map((id) => pc.get(id)));
  const kind = notes.find((n) => n.group === g)!.kind;
  const sup = m.filter((id) => outcome.supersededBy.has(nm.get(id)!));
  const extra = [...pc].filter(([id, c]) => clusters.has(c) && !m.includes(id)).map(([id]) => id);
  if (clusters.size > 1 || extra.length > 0 || kind === 'duplicate') console.log(kind, g, 'clusters', clusters.size, 'reps', representativesOf(outcome, m).size, 'superseded', sup.join(','), 'extra', extra.join(','));
}
const by = new Map<string, string[]>();
for (const [id, c] of pc) if (notes.find((n) => n.id === id)!.kind === 'singleton' && notes.find((n) => n.id === id)!.split === split) by.set(c!, [...(by.get(c!) ?? []), id]);
for (const [c, ids] of by) { const all = [...pc].filter(([, x]) => x === c).map(([id]) => id); if (all.length > 1) console.log('singleton merged', all.join(',')); }
await store.close();
