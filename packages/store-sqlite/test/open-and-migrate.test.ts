import {
  BackendUnavailableError,
  DimensionMismatchError,
  ExtensionUnavailableError,
  MigrationError,
  ValidationError,
} from '@athena/core-types';
import { afterEach, describe, expect, it } from 'vitest';
import { LATEST_SCHEMA_VERSION, SqliteStore } from '../src/index.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

afterEach(removeTmpFiles);

describe('opening a database', () => {
  it('applies WAL, foreign keys, synchronous=NORMAL and the busy timeout', async () => {
    const store = new SqliteStore({ path: tmpFile(), embeddingDimension: 8, busyTimeoutMs: 1234 });
    await store.init();
    const { details } = await store.health();
    expect(details).toMatchObject({
      journalMode: 'wal',
      foreignKeys: true,
      synchronous: 1,
      busyTimeoutMs: 1234,
    });
    expect(details['sqliteVecVersion']).toMatch(/^v0\.1\./);
    await store.close();
  });

  it('maps 1 GiB of the file by default, or what mmapSizeBytes says (0: none)', async () => {
    const mapped = new SqliteStore({ path: tmpFile(), embeddingDimension: 8 });
    await mapped.init();
    expect((await mapped.health()).details['mmapSizeBytes']).toBe(1_073_741_824);
    await mapped.close();
    const unmapped = new SqliteStore({ path: tmpFile(), embeddingDimension: 8, mmapSizeBytes: 0 });
    await unmapped.init();
    expect((await unmapped.health()).details['mmapSizeBytes']).toBe(0);
    await unmapped.close();
  });

  it('records each migration once and re-opens an existing file without losing data', async () => {
    const path = tmpFile();
    const first = new SqliteStore({ path, embeddingDimension: 8 });
    await first.init();
    await first.init();
    const project = await first.projects.create({ name: 'keep', path: '/keep' });
    const memory = await first.memories.store(project.id, {
      content: 'kept across opens',
      embedding: axis(2),
    });
    await first.close();

    const raw = rawConnection(path);
    const before = raw.prepare('SELECT version, name, applied_at FROM athena_migrations').all();
    raw.close();
    expect(before).toHaveLength(LATEST_SCHEMA_VERSION);

    const second = new SqliteStore({ path });
    await second.init();
    expect(second.embeddingDimension).toBe(8);
    expect(await second.memories.get(project.id, memory.id)).toEqual(memory);
    expect((await second.search.semantic(project.id, axis(2))).map((hit) => hit.memory.id)).toEqual(
      [memory.id],
    );
    expect((await second.search.keyword(project.id, 'across')).map((hit) => hit.memory.id)).toEqual(
      [memory.id],
    );
    await second.close();

    const again = rawConnection(path);
    expect(again.prepare('SELECT version, name, applied_at FROM athena_migrations').all()).toEqual(
      before,
    );
    again.close();
  });

  it('rejects another embedding dimension on re-open with DimensionMismatchError', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const other = new SqliteStore({ path, embeddingDimension: 16 });
    const error = await other.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DimensionMismatchError);
    expect(error).toMatchObject({ expected: 8, actual: 16 });
    await other.close();
  });

  it('defaults a new database to 768 dimensions', async () => {
    const store = new SqliteStore({ path: ':memory:' });
    await store.init();
    expect(store.embeddingDimension).toBe(768);
    await store.close();
  });

  it('throws ExtensionUnavailableError with the cause when sqlite-vec cannot load', async () => {
    const store = new SqliteStore({ path: tmpFile(), sqliteVecPath: '/nonexistent/vec0.so' });
    const error = await store.init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ExtensionUnavailableError);
    expect(error).toMatchObject({
      code: 'extension_unavailable',
      details: { extension: 'sqlite-vec' },
    });
    expect((error as Error).message).toContain('sqlite-vec');
    expect((error as Error).message).toContain('/nonexistent/vec0.so');
    expect((error as Error).cause).toBeInstanceOf(Error);
    await store.close();
  });

  it('throws BackendUnavailableError when the directory does not exist', async () => {
    const store = new SqliteStore({ path: '/nonexistent-athena-dir/memory.db' });
    await expect(store.init()).rejects.toBeInstanceOf(BackendUnavailableError);
  });

  it('refuses a database written by a newer schema version', async () => {
    const path = tmpFile();
    const store = new SqliteStore({ path, embeddingDimension: 8 });
    await store.init();
    await store.close();
    const raw = rawConnection(path);
    raw
      .prepare('INSERT INTO athena_migrations (version, name, applied_at) VALUES (?, ?, ?)')
      .run(LATEST_SCHEMA_VERSION + 1, 'from the future', Date.now());
    raw.close();
    await expect(new SqliteStore({ path }).init()).rejects.toBeInstanceOf(MigrationError);
  });

  it('opens read-only: reads work, writes fail with a typed error', async () => {
    const path = tmpFile();
    const writer = new SqliteStore({ path, embeddingDimension: 8 });
    await writer.init();
    const project = await writer.projects.create({ name: 'ro', path: '/ro' });
    await writer.close();
    const reader = new SqliteStore({ path, readonly: true });
    await reader.init();
    expect((await reader.projects.list()).map((p) => p.id)).toEqual([project.id]);
    await expect(reader.projects.create({ name: 'no', path: '/no' })).rejects.toMatchObject({
      code: 'storage',
    });
    await reader.close();
  });

  it('validates its options and freezes them', () => {
    expect(() => new SqliteStore({ path: '' })).toThrow(ValidationError);
    expect(() => new SqliteStore({ path: ':memory:', embeddingDimension: 0 })).toThrow(
      ValidationError,
    );
    expect(() => new SqliteStore({ path: ':memory:', embeddingDimension: 8193 })).toThrow(
      ValidationError,
    );
    expect(() => new SqliteStore({ path: ':memory:', busyTimeoutMs: -1 })).toThrow(ValidationError);
    expect(() => new SqliteStore({ path: ':memory:', mmapSizeBytes: -1 })).toThrow(ValidationError);
    const options = { path: ':memory:', embeddingDimension: 8 };
    const store = new SqliteStore(options);
    options.embeddingDimension = 16;
    expect(store.options.embeddingDimension).toBe(8);
    expect(Object.isFrozen(store.options)).toBe(true);
  });
});
