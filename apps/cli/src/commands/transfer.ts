import { createReadStream, createWriteStream, existsSync, rmSync } from 'node:fs';
import { finished } from 'node:stream/promises';
import { resolve } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import type { Command } from 'commander';
import {
  AthenaError,
  ConflictError,
  NotFoundError,
  RECORD_TABLES,
  ValidationError,
  isAthenaError,
} from '@athena/core-types';
import { redactUrl } from '@athena/factory';
import type { CreateStoreOptions } from '@athena/factory';
import { copy, exportStore, importStore } from '@athena/transfer';
import type { ExportReport, TableCounts, TransferReport } from '@athena/transfer';
import type { CliContext } from '../cli-context.js';
import { integerIn } from '../parse.js';
import { action } from '../run.js';
import { renderFields, renderTable } from '../table.js';

/**
 * How transfers open a database. Never with a fallback: moving data from or
 * into the wrong database is worse than failing. SQLite without its memory
 * map: a one-pass read gains nothing from it, and the mapped file counts in
 * the process's resident set — copying a 725 MiB file to PostgreSQL peaked
 * at 636 MiB RSS with the default 1 GiB map, ~130 MiB of it the process's own.
 */
const TRANSFER = { fallback: 'none', sqlite: { mmapSizeBytes: 0 } } as const;

/**
 * A database named on the command line: `postgres://…` (schema from
 * `schema`), `sqlite:<path>` or a file path. Read apart from the ATHENA_*
 * environment, which describes the other side.
 */
export function storeOptionsOf(
  spec: string,
  schema: string | undefined,
  cwd: string,
  flag: string,
): CreateStoreOptions {
  if (/^postgres(ql)?:\/\//i.test(spec)) {
    return {
      fallback: 'none',
      env: {},
      type: 'postgres',
      postgres: { connectionString: spec, ...(schema === undefined ? {} : { schema }) },
    };
  }
  if (schema !== undefined) {
    throw new ValidationError(`invalid ${flag}-schema: only a PostgreSQL ${flag} has a schema`, [
      { path: `${flag}-schema`, message: 'only for a postgres:// database' },
    ]);
  }
  const path = spec.startsWith('sqlite:') ? spec.slice('sqlite:'.length) : spec;
  if (path.trim() === '') {
    throw new ValidationError(`invalid ${flag}: a postgres:// URL or a SQLite file path`, [
      { path: flag, message: 'a postgres:// URL or a SQLite file path' },
    ]);
  }
  return {
    fallback: 'none',
    env: {},
    type: 'sqlite',
    sqlite: { path: resolve(cwd, path), mmapSizeBytes: TRANSFER.sqlite.mmapSizeBytes },
  };
}

/**
 * Opens the database a flag names. Its errors speak of the flag: the
 * factory's own wording (options.postgres.connectionString, "correct
 * ATHENA_DATABASE_URL") points at settings this command did not read.
 */
async function openNamed(
  ctx: CliContext,
  spec: string,
  schema: string | undefined,
  flag: string,
  extra: CreateStoreOptions = {},
) {
  const options = storeOptionsOf(spec, schema, ctx.cwd, flag);
  try {
    return await ctx.open({ ...options, ...extra });
  } catch (error) {
    if (!isAthenaError(error)) throw error;
    if (error instanceof ValidationError) {
      const reasons = error.issues.map((issue) => issue.message).join('; ');
      throw new ValidationError(`invalid ${flag}: ${reasons || error.message}`, error.issues, {
        cause: error,
      });
    }
    // Under the factory's "unavailable, no fallback" wrapper is the store's own error.
    const cause =
      error.code === 'backend_unavailable' && isAthenaError(error.cause) ? error.cause : error;
    const fix =
      error.code === 'backend_unavailable' || error.code === 'transient'
        ? `; start that server or correct ${flag}`
        : '';
    const where = options.type === 'postgres' ? redactUrl(spec) : (options.sqlite?.path ?? spec);
    throw new AthenaError(error.code, `${flag} ${where}: ${cause.message}${fix}`, {
      cause: error,
      details: error.details,
    });
  }
}

function countsTable(counts: TableCounts): string {
  return renderTable(
    RECORD_TABLES.map((table) => [table, counts[table]] as const),
    [
      { header: 'table', value: ([table]) => table },
      { header: 'rows', value: ([, n]) => String(n), align: 'right' },
    ],
  );
}

function rate(memories: number, seconds: number): string {
  return seconds > 0 ? `${Math.round(memories / seconds).toLocaleString('en-US')} memories/s` : '—';
}

function transferHuman(verb: string, report: TransferReport & { target?: string }): string {
  return [
    `${verb} ${report.projects.length} project(s) in ${report.seconds.toFixed(1)} s (${rate(report.counts.memories, report.seconds)}), verified:`,
    countsTable(report.counts),
    renderFields([['checksum', report.checksum]]),
  ].join('\n');
}

/** The projects a transfer is limited to: `--project` when given, else every project. */
async function projectScope(ctx: CliContext): Promise<number[] | undefined> {
  return ctx.options.project === undefined ? undefined : [(await ctx.project()).id];
}

/** What `athena export` reports. */
export interface ExportResult extends ExportReport {
  /** The file written, or `-` for stdout. */
  readonly file: string;
}

async function runExport(
  ctx: CliContext,
  file: string | undefined,
  options: { force?: boolean; batchSize?: number },
): Promise<void> {
  const target = file ?? '-';
  const toStdout = target === '-';
  const path = toStdout ? null : resolve(ctx.cwd, target);
  if (path !== null && existsSync(path) && options.force !== true) {
    throw new ConflictError(`${path} exists: pass --force to overwrite it`);
  }
  const store = await ctx.store(TRANSFER);
  const projectIds = await projectScope(ctx);
  const output: Writable = path === null ? process.stdout : createWriteStream(path);
  const progress = ctx.progress();
  let report: ExportReport;
  try {
    report = await exportStore(store, output, {
      onProgress: progress.onProgress,
      ...(projectIds === undefined ? {} : { projectIds }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    if (path !== null) {
      output.end();
      await finished(output);
    }
  } catch (error) {
    if (path !== null) {
      output.destroy();
      rmSync(path, { force: true });
    }
    throw error;
  } finally {
    progress.stop();
  }
  // With the data on stdout, the report goes to stderr.
  ctx.print<ExportResult>(
    {
      result: { ...report, file: path ?? '-' },
      human: (r) =>
        [
          `Exported ${Object.values(r.counts).reduce((a, b) => a + b, 0)} records to ${r.file} in ${r.seconds.toFixed(1)} s:`,
          countsTable(r.counts),
          renderFields([['checksum', r.checksum]]),
        ].join('\n'),
    },
    toStdout ? process.stderr : process.stdout,
  );
}

async function runImport(
  ctx: CliContext,
  file: string,
  options: { batchSize?: number },
): Promise<void> {
  let input: Readable;
  if (file === '-') {
    input = process.stdin;
  } else {
    const path = resolve(ctx.cwd, file);
    if (!existsSync(path)) throw new NotFoundError('file', path);
    input = createReadStream(path);
  }
  const store = await ctx.store(TRANSFER);
  const progress = ctx.progress();
  try {
    const report = await importStore(store, input, {
      onProgress: progress.onProgress,
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
    progress.stop();
    ctx.print({ result: report, human: (r) => transferHuman('Imported', r) });
  } finally {
    progress.stop();
    input.destroy();
  }
}

/** What `athena copy` reports. */
export interface CopyResult extends TransferReport {
  readonly from: { readonly backend: string; readonly where: string };
  readonly to: { readonly backend: string; readonly where: string };
}

async function runCopy(
  ctx: CliContext,
  options: {
    to: string;
    from?: string;
    toSchema?: string;
    fromSchema?: string;
    batchSize?: number;
  },
): Promise<void> {
  const from =
    options.from === undefined
      ? await ctx.store(
          options.fromSchema === undefined
            ? TRANSFER
            : { ...TRANSFER, postgres: { schema: options.fromSchema } },
        )
      : await openNamed(ctx, options.from, options.fromSchema, '--from');
  const to = await openNamed(ctx, options.to, options.toSchema, '--to', {
    embeddingDimension: from.embeddingDimension,
  });
  if (options.from !== undefined && ctx.options.project !== undefined) {
    throw new ValidationError(
      'invalid --project: it names a project of the environment database; with --from, copy moves every project',
      [{ path: '--project', message: 'not with --from' }],
    );
  }
  const projectIds = options.from === undefined ? await projectScope(ctx) : undefined;
  const progress = ctx.progress();
  let report: TransferReport;
  try {
    report = await copy(from, to, {
      onProgress: progress.onProgress,
      ...(projectIds === undefined ? {} : { projectIds }),
      ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    });
  } finally {
    progress.stop();
  }
  const where = (store: typeof from, spec: string | undefined, schema: string | undefined) => ({
    backend: store.backend,
    where:
      store.selection.sqlitePath ??
      `${spec === undefined ? 'the environment database' : redacted(spec)}${schema === undefined ? '' : ` (schema ${schema})`}`,
  });
  ctx.print<CopyResult>({
    result: {
      ...report,
      from: where(from, options.from, options.fromSchema),
      to: where(to, options.to, options.toSchema),
    },
    human: (r) =>
      `${r.from.backend} ${r.from.where} → ${r.to.backend} ${r.to.where}\n${transferHuman('Copied', r)}`,
  });
}

/** A URL without its password. */
function redacted(spec: string): string {
  return spec.replace(/(\/\/[^:/@]+):[^@]*@/, '$1:***@');
}

/** `athena export`, `athena import`, `athena copy`. */
export function registerTransferCommands(program: Command): void {
  const batch = [
    '--batch-size <n>',
    'records per page and insert, 1–10000',
    integerIn(1, 10_000),
  ] as const;

  program
    .command('export')
    .description(
      'write the whole database (or --project) as JSON Lines: a header, every record, an end line ' +
        'with counts and checksum; to stdout when the file is - or omitted',
    )
    .argument('[file]', 'output file, or - for stdout')
    .option('--force', 'overwrite an existing file')
    .option(...batch)
    .action(action(runExport));

  program
    .command('import')
    .description(
      'read an export into the database the environment selects: verified, all or nothing; - reads stdin',
    )
    .argument('<file>', 'an athena export, or - for stdin')
    .option(...batch)
    .action(action(runImport));

  program
    .command('copy')
    .description(
      'copy every project (or --project) from the environment database, or --from, into --to: ' +
        'verified by counts and checksum before it commits, all or nothing',
    )
    .requiredOption('--to <database>', 'target: postgres://… URL, sqlite:<path> or a file path')
    .option('--to-schema <schema>', 'PostgreSQL schema of the target (default public)')
    .option('--from <database>', 'source instead of the environment database')
    .option('--from-schema <schema>', 'PostgreSQL schema of the source')
    .option(...batch)
    .action(action(runCopy));
}
