import { PostgresStore } from '@athena/store-postgres';
import { HashingEmbedder } from '@athena/search';
const dim = 384;
const schema = `prof_${Date.now()}`;
const store = new PostgresStore({ connectionString: 'postgres://athena@127.0.0.1:5432/athena_test', schema, embeddingDimension: dim });
await store.init();
const embedder = new HashingEmbedder({ dimension: dim });
const p = await store.projects.create({ name: 'x', path: '/x' });
const texts = Array.from({ length: 10000 }, (_, i) => `Note ${i}: the service ${i * 7919 % 1000} uses setting ${i} with value ${i * 31 % 97}`);
for (let i = 0; i < 10000; i += 1000) {
  const v = await embedder.embedMany(texts.slice(i, i + 1000));
  await store.memories.storeMany(p.id, v.map((e, j) => ({ content: texts[i + j]!, embedding: e })));
}
const time = async (label: string, f: () => Promise<unknown>) => { const t = performance.now(); const r = await f(); console.log(label, (performance.now() - t).toFixed(1)); return r; };
for (let k = 0; k < 3; k++) {
  const batch = await time('claim', () => store.consolidation.claimBatch(p.id, { worker: 'w', limit: 100 })) as { id: number }[];
  const ids = batch.map(m => m.id);
  await time('neighbours states', () => store.search.neighbours(p.id, ids, { k: 10, minSimilarity: 0.75, states: ['consolidated', 'labile', 'reconsolidating'] }));
  await time('neighbours all', () => store.search.neighbours(p.id, ids, { k: 10, minSimilarity: 0.75 }));
  await time('tx lock+getMany+transitionMany', () => store.transaction(async (tx) => {
    await tx.consolidation.lock(p.id);
    await tx.memories.getMany(p.id, ids);
    await tx.consolidation.transitionMany(p.id, ids.map(id => ({ memoryId: id, to: 'consolidated' as const })));
  }));
}
await store.close();
