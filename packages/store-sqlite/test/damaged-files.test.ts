import { spawnSync } from 'node:child_process';
import { chmodSync, closeSync, openSync, statSync, truncateSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { BackendUnavailableError, MigrationError, StorageError } from '@athena/core-types';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteStore } from '../src/index.js';
import { axis, rawConnection, removeTmpFiles, tmpFile } from './temp-db.js';

const undo: (() => void)[] = [];

afterEach(() => {
  for (const restore of undo.splice(0).reverse()) restore();
  removeTmpFiles();
});

const root = process.getuid?.() === 0;

/**
 * Makes `path` (a file or a directory) unwritable for this process: mode
 * 0444/0555, or — as root, whom modes do not stop — the immutable attribute
 * (`chattr +i`, ext2/3/4 and CAP_LINUX_IMMUTABLE). False when neither works
 * here; restored after the test.
 */
function makeUnwritable(path: string): boolean {
  if (!root) {
    const mode = statSync(path).mode & 0o777;
    chmodSync(path, statSync(path).isDirectory() ? 0o555 : 0o444);
    undo.push(() => chmodSync(path, mode));
    return true;
  }
  if (spawnSync('chattr', ['+i', path]).status !== 0) return false;
  undo.push(() => spawnSync('chattr', ['-i', path]));
  return true;
}

/** Whether {@link makeUnwritable} works here: probed once on a scratch file. */
const canMakeUnwritable = (() => {
  const probe = tmpFile('probe');
  closeSync(openSync(probe, 'w'));
  const ok = makeUnwritable(probe);
  for (const restore of undo.splice(0)) restore();
  removeTmpFiles();
  return ok;
})();
const unwritableReason = 'neither file modes (root) nor chattr +i can make a file read-only here';

/** A closed database of 200 memories with 16 KiB of text each: several hundred pages. */
async function filledDatabase(): Promise<string> {
  const path = tmpFile();
  const store = new SqliteStore({ path, embeddingDimension: 8 });
  await store.init();
  const project = await store.projects.create({ name: 'damaged', path: '/damaged' });
  await store.memories.storeMany(
    project.id,
    Array.from({ length: 200 }, (_, i) => ({
      content: `memory ${i} `.repeat(1_500),
      embedding: axis(i % 8),
    })),
  );
  await store.close();
  return path;
}

/** Overwrites two pages in the middle of the file with junk. */
function corruptMiddlePages(path: string): void {
  const pageSize = 16_384;
  const middle = Math.floor(statSync(path).size / 2 / pageSize) * pageSize;
  const fd = openSync(path, 'r+');
  try {
    writeSync(fd, Buffer.alloc(2 * pageSize, 0xab), 0, 2 * pageSize, middle);
  } finally {
    closeSync(fd);
  }
}

describe('damaged database files', () => {
  it('init() refuses a file with corrupt pages with a StorageError naming the file', async () => {
    const path = await filledDatabase();
    corruptMiddlePages(path);
    const error = await new SqliteStore({ path }).init().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StorageError);
    expect((error as Error).message).toContain(`SQLite database ${path} is corrupt`);
    expect((error as StorageError).details).toMatchObject({ path });
  });

  it('init() refuses a truncated file and a file that is not a database as corrupt', async () => {
    const truncated = await filledDatabase();
    truncateSync(truncated, Math.floor(statSync(truncated).size / 2));
    const cut = await new SqliteStore({ path: truncated }).init().catch((e: unknown) => e);
    expect(cut).toBeInstanceOf(StorageError);
    expect((cut as Error).message).toContain(`SQLite database ${truncated} is corrupt`);

    const overwritten = await filledDatabase();
    const fd = openSync(overwritten, 'r+');
    writeSync(fd, Buffer.alloc(100, 0x11), 0, 100, 0);
    closeSync(fd);
    const notADatabase = await new SqliteStore({ path: overwritten })
      .init()
      .catch((e: unknown) => e);
    expect(notADatabase).toBeInstanceOf(StorageError);
    expect((notADatabase as Error).message).toContain(`SQLite database ${overwritten} is corrupt`);
  });

  it('health() reports not ok, with the reason, when pages are corrupted under an open store', async () => {
    const path = await filledDatabase();
    const store = new SqliteStore({ path });
    await store.init();
    expect((await store.health()).ok).toBe(true);
    corruptMiddlePages(path);
    const report = await store.health();
    expect(report.ok).toBe(false);
    expect(report.error).toContain(`SQLite database ${path} is corrupt`);
    await store.close();
  });

  it.skipIf(!canMakeUnwritable)(
    `init() without readonly refuses a file it cannot write, pointing at readonly: true (skipped when ${unwritableReason})`,
    async () => {
      const path = await filledDatabase();
      expect(makeUnwritable(path)).toBe(true);
      const error = await new SqliteStore({ path }).init().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toContain(`cannot write SQLite database ${path}`);
      expect((error as Error).message).toContain('readonly: true');
    },
  );

  it.skipIf(!canMakeUnwritable)(
    `readonly: true reads a database in a read-only directory and refuses an out-of-date schema (skipped when ${unwritableReason})`,
    async () => {
      const path = await filledDatabase();
      const stale = await filledDatabase();
      const raw = rawConnection(stale);
      raw
        .prepare(
          'DELETE FROM athena_migrations WHERE version = (SELECT max(version) FROM athena_migrations)',
        )
        .run();
      raw.close();
      expect(makeUnwritable(path) && makeUnwritable(dirname(path))).toBe(true);
      expect(makeUnwritable(stale) && makeUnwritable(dirname(stale))).toBe(true);

      const reader = new SqliteStore({ path, readonly: true });
      await reader.init();
      const [project] = await reader.projects.list();
      expect(await reader.memories.count(project?.id ?? 0)).toBe(200);
      expect((await reader.health()).ok).toBe(true);
      await expect(reader.projects.create({ name: 'no', path: '/no' })).rejects.toMatchObject({
        code: 'storage',
      });
      await reader.close();

      const error = await new SqliteStore({ path: stale, readonly: true })
        .init()
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(MigrationError);
      expect((error as Error).message).toContain('opened read-only');
    },
  );

  it.skipIf(!canMakeUnwritable)(
    `readonly: true explains why a WAL file without its -wal/-shm cannot be read in a read-only directory (skipped when ${unwritableReason})`,
    async () => {
      const path = await filledDatabase();
      // A writer that did not close through SqliteStore leaves the file in WAL mode.
      const raw = rawConnection(path);
      raw.pragma('journal_mode = WAL');
      raw.close();
      expect(makeUnwritable(dirname(path))).toBe(true);
      const error = await new SqliteStore({ path, readonly: true }).init().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BackendUnavailableError);
      expect((error as Error).message).toContain(`${path}-shm`);
      expect((error as Error).message).toContain('directory must be writable');
    },
  );
});
