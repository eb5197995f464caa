// A consolidation worker in a process of its own, for the concurrency and
// crash tests. argv[2] is a JSON config: { location, projectId, options, mode }.
// It opens the store, prints "ready", waits for a line on stdin, then:
// - mode "run": one pass; prints the run record as JSON and exits;
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

const consolidator = createConsolidator({
  store: config.mode === 'hang' ? hanging() : store,
  embedder: new HashingEmbedder({ dimension: location.dimension }),
  options: config.options,
});
process.stdout.write('ready\n');
const lines = createInterface({ input: process.stdin });
await new Promise((resolve) => lines.once('line', resolve));
lines.close();
const run = await consolidator.run({ projectId: config.projectId });
process.stdout.write(`${JSON.stringify(run)}\n`);
await store.close();
