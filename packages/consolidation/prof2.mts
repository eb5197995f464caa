import { PostgresStore } from '@athena/store-postgres';
import { HashingEmbedder } from '@athena/search';
import { createConsolidator } from '@athena/consolidation';
const dim = 384;
const N = Number(process.env.N ?? 4000);
const schema = `prof_${Date.now()}`;
const store = new PostgresStore({ connectionString: 'postgres://athena@127.0.0.1:5432/athena_test', schema, embeddingDimension: dim });
await store.init();
const embedder = new HashingEmbedder({ dimension: dim });
const p = await store.projects.create({ name: 'x', path: '/x' });
const topics = ['deploy', 'database', 'cache', 'auth', 'queue', 'api', 'tests', 'build', 'logging', 'metrics'];
const texts: string[] = [];
for (let i = 0; i < N; i++) texts.push(i % 5 === 4 ? texts[i - 3] + '.' : `Note ${i}: the ${topics[i % 10]} service ${i * 7919 % 1000} uses setting ${i} with value ${i * 31 % 97}`);
for (let i = 0; i < N; i += 1000) {
  const v = await embedder.embedMany(texts.slice(i, i + 1000));
  await store.memories.storeMany(p.id, v.map((e, j) => ({ content: texts[i + j]!, embedding: e })));
}
const totals: Record<string, number> = {};
function timed(obj: any, name: string) {
  return new Proxy(obj, { get(o, prop) { const v = Reflect.get(o, prop, o); if (typeof v !== 'function') return v; return async (...a: unknown[]) => { const t = performance.now(); try { return await v.apply(o, a); } finally { const k = `${name}.${String(prop)}`; totals[k] = (totals[k] ?? 0) + performance.now() - t; } }; } });
}
const wrapRepos = (r: any) => ({ ...r, memories: timed(r.memories, 'memories'), search: timed(r.search, 'search'), relationships: timed(r.relationships, 'relationships'), consolidation: timed(r.consolidation, 'consolidation') });
const wrapped = new Proxy(store, { get(o, prop) {
  if (prop === 'transaction') return (fn: any) => o.transaction((tx: any) => fn(wrapRepos(tx)));
  if (['memories', 'search', 'relationships', 'consolidation'].includes(String(prop))) return timed(Reflect.get(o, prop, o), String(prop));
  const v = Reflect.get(o, prop, o); return typeof v === 'function' ? v.bind(o) : v; } });
const t = performance.now();
const run = await createConsolidator({ store: wrapped as any, embedder, options: { episodes: false } }).run({ projectId: p.id });
console.log((N / ((performance.now() - t) / 1000)).toFixed(0), '/s', run.phases);
console.log(Object.entries(totals).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v.toFixed(0)}`).join('\n'));
await store.close();
