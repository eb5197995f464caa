// A consolidation worker in a process of its own, for the concurrency and
// crash tests. argv[2] is a JSON config: { location, projectId, options, mode }.
// It opens the store, prints "ready", waits for a line on stdin, then:
// - mode "run": one pass; prints the run record as JSON and exits;
// With "slowPath": true the worker embeds with a test embedder (the first
// number n of a text → the unit vector of axis 2n, the axes `groups.ts`
// uses) and summarises with a local summarizer that takes a few
// milliseconds, like a model would, outside the settle transaction.
// - mode "hang": one pass whose first settle transaction stops right before
//   moving the batch out of `consolidating` (links and representatives are
//   written, the transaction is open), prints "settling" and waits to be killed.
import { createInterface } from 'node:readline';
import { createConsolidator } from '@athena/consolidation';
import { HashingEmbedder } from '@athena/search';
import { PostgresStore } from '@athena/store-postgres';
import { SqliteStore } from '@athena/store-sqlite';

const config = JSON.parse(process.argv[2]);
const { location } = config;
const store =
  location.backend === 'sqlite'
    ? new SqliteStore({ path: location.path, embeddingDimension: location.dimension })
    : new PostgresStore({
        connectionString: location.url,
        schema: location.schema,
        embeddingDimension: location.dimension,
      });
await store.init();

/** `target` with its methods bound to it, except those in `overrides`. */
function delegate(target, overrides) {
  return new Proxy(target, {
    get(object, property) {
      if (Object.hasOwn(overrides, property)) return overrides[property];
      const value = Reflect.get(object, property, object);
      return typeof value === 'function' ? value.bind(object) : value;
    },
  });
}

const hanging = () =>
  delegate(store, {
    transaction: (fn) =>
      store.transaction((tx) =>
        fn({
          ...tx,
          consolidation: delegate(tx.consolidation, {
            transitionMany: async () => {
              process.stdout.write('settling\n');
              await new Promise(() => undefined);
            },
          }),
        }),
      ),
  });

function axisVector(text) {
  const vector = new Float32Array(location.dimension);
  vector[2 * Number(/\d+/.exec(text)?.[0] ?? 0)] = 1;
  return vector;
}

const axisEmbedder = {
  dimension: location.dimension,
  modelId: 'test-axis',
  embed: async (text) => axisVector(text),
  embedMany: async (texts) => texts.map(axisVector),
};

const slowSummarizer = {
  modelId: 'test-summarizer',
  async summarizeCluster(items) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    const group = /\d+/.exec(items[0].content)?.[0];
    return {
      summary: `Service ${group} listens on port ${8000 + Number(group)} (from ${items.length} notes)`,
      relations: items.map((item) => ({ id: item.id, relation: 'reinforces' })),
    };
  },
  async summarizeEpisodes() {
    throw new Error('no episodes in these tests');
  },
};

const consolidator = createConsolidator({
  store: config.mode === 'hang' ? hanging() : store,
  embedder: config.slowPath ? axisEmbedder : new HashingEmbedder({ dimension: location.dimension }),
  summarizer: config.slowPath ? slowSummarizer : null,
  options: config.options,
});
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once('line', resolve));
lines.close();
const run = await consolidator.run({ projectId: config.projectId });
process.stdout.write(`${JSON.stringify(run)}\n`);
await store.close();
