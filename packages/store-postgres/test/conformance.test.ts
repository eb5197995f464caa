import { createConformanceSuite } from '@athena/conformance';
import type { ConstraintKind } from '@athena/conformance';
import type { Store } from '@athena/core-types';
import { PostgresStore } from '../src/index.js';
import type { VectorIndexPrecision } from '../src/index.js';
import { mapError } from '../src/map-error.js';
import {
  DATABASE_URL,
  adminQuery,
  describePgBouncer,
  describePostgres,
  dropSchema,
  freshSchema,
  pgbouncerUrl,
} from './helpers.js';

/** A statement on `memory_vectors` that breaks one constraint of each kind. */
const VIOLATIONS: Readonly<Record<ConstraintKind, string>> = {
  foreign_key: 'update memory_vectors set superseded_by = -1 where id = $1',
  check: "update memory_vectors set consolidation_state = 'bogus' where id = $1",
  not_null: 'update memory_vectors set memory_type = null where id = $1',
};

/** The schema of each store the suite creates, so teardown can drop it. */
const schemas = new WeakMap<Store, string>();

/** How a run of the suite reaches the server, and the index it builds. */
interface Variant {
  readonly precision: VectorIndexPrecision;
  /** Through PgBouncer in transaction mode instead of directly. */
  readonly transactionPooler?: true;
}

function open(
  schema: string,
  embeddingDimension: number | undefined,
  { precision, transactionPooler }: Variant,
): PostgresStore {
  const store = new PostgresStore({
    ...(transactionPooler
      ? { connectionString: pgbouncerUrl('transaction'), connectionPooler: 'transaction' }
      : { connectionString: DATABASE_URL }),
    schema,
    embeddingDimension,
    poolMax: 4,
    vectorIndex: { type: 'hnsw', precision },
  });
  schemas.set(store, schema);
  return store;
}

/** Runs the statement of `kind` on a memory of `store`, on a second connection; returns what it threw. */
async function breakConstraint(store: Store, kind: ConstraintKind): Promise<unknown> {
  const schema = schemas.get(store);
  if (schema === undefined) throw new Error('violateConstraint: not a store of this suite');
  const project = await store.projects.create({ name: `violate-${kind}`, path: `/${kind}` });
  const memory = await store.memories.store(project.id, {
    content: 'x',
    embedding: [1, 0, 0, 0, 0, 0, 0, 0],
  });
  try {
    await adminQuery(VIOLATIONS[kind].replace('memory_vectors', `"${schema}".memory_vectors`), [
      memory.id,
    ]);
  } catch (error) {
    return error;
  }
  throw new Error(`${kind}: the statement broke no constraint`);
}

// The whole contract once per index precision — a half-precision index rescored at full
// precision must answer every search exactly as the 32-bit one does — and once through
// PgBouncer in transaction mode, where no session state survives a transaction.
const VARIANTS: readonly (readonly [string, Variant, typeof describePostgres])[] = [
  ['postgres', { precision: 'full' }, describePostgres],
  ['postgres, half-precision index', { precision: 'half' }, describePostgres],
  [
    'postgres through PgBouncer (transaction pooling)',
    { precision: 'full', transactionPooler: true },
    describePgBouncer,
  ],
];

for (const [name, variant, describeVariant] of VARIANTS) {
  describeVariant(`conformance: ${name}`, () => {
    createConformanceSuite({
      name,
      createStore: ({ embeddingDimension }) => open(freshSchema(), embeddingDimension, variant),
      reopenStore: (store, { embeddingDimension }) => {
        const schema = schemas.get(store);
        if (schema === undefined) throw new Error('reopenStore: not a store of this suite');
        return open(schema, embeddingDimension, variant);
      },
      destroyStore: async (store) => {
        await store.close();
        const schema = schemas.get(store);
        if (schema !== undefined) await dropSchema(schema);
      },
      violateConstraint: async (store, kind) =>
        mapError(await breakConstraint(store, kind), { operation: 'break a constraint' }),
    });
  });
}
