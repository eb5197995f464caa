import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Store } from '@athena/core-types';
import { createConformanceSuite } from '@athena/conformance';
import type { ConstraintKind } from '@athena/conformance';
import Database from 'better-sqlite3';
import { SqliteStore } from '../src/index.js';
import { mapError } from '../src/map-error.js';

/** The temporary directory of each store's database file. */
const dirs = new Map<Store, string>();

/** A statement on `memory_vectors` that breaks one constraint of each kind. */
const VIOLATIONS: Readonly<Record<ConstraintKind, string>> = {
  foreign_key: 'UPDATE memory_vectors SET superseded_by = -1 WHERE id = ?',
  check: "UPDATE memory_vectors SET consolidation_state = 'bogus' WHERE id = ?",
  not_null: 'UPDATE memory_vectors SET memory_type = NULL WHERE id = ?',
};

/** Runs the statement of `kind` on a memory of `store`, on a second connection; returns what it threw. */
async function breakConstraint(store: Store, kind: ConstraintKind): Promise<unknown> {
  const dir = dirs.get(store);
  if (dir === undefined) throw new Error('violateConstraint: unknown store');
  const project = await store.projects.create({ name: `violate-${kind}`, path: `/${kind}` });
  const memory = await store.memories.store(project.id, {
    content: 'x',
    embedding: [1, 0, 0, 0, 0, 0, 0, 0],
  });
  // The pragmas the store sets on its own connection.
  const db = new Database(join(dir, 'memory.db'));
  try {
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    db.prepare(VIOLATIONS[kind]).run(memory.id);
  } catch (error) {
    return error;
  } finally {
    db.close();
  }
  throw new Error(`${kind}: the statement broke no constraint`);
}

/**
 * The suite on one connection, and again with two reader threads: every
 * search outside a transaction then runs on a connection of its own.
 */
for (const [name, readers] of [
  ['sqlite', 0],
  ['sqlite, reader threads', 2],
] as const) {
  createConformanceSuite({
    name,
    createStore: ({ embeddingDimension }) => {
      const dir = mkdtempSync(join(tmpdir(), 'athena-conformance-'));
      const store = new SqliteStore({ path: join(dir, 'memory.db'), embeddingDimension, readers });
      dirs.set(store, dir);
      return store;
    },
    reopenStore: (store, { embeddingDimension }) => {
      const dir = dirs.get(store);
      if (dir === undefined) throw new Error('reopenStore: unknown store');
      const reopened = new SqliteStore({
        path: join(dir, 'memory.db'),
        embeddingDimension,
        readers,
      });
      dirs.set(reopened, dir);
      return reopened;
    },
    destroyStore: async (store) => {
      await store.close();
      const dir = dirs.get(store);
      if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
      dirs.delete(store);
    },
    violateConstraint: async (store, kind) => mapError(await breakConstraint(store, kind)),
  });
}
