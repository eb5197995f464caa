import type { Command } from 'commander';
import type { MigrationInfo, MigrationStatus } from '@athena/core-types';
import { action } from '../run.js';

/** What `athena migrate` reports. */
export interface MigrateResult {
  readonly dryRun: boolean;
  readonly backend: string;
  /** What would be (with `--dry-run`) or was applied, in order. */
  readonly migrations: readonly MigrationInfo[];
  readonly before: MigrationStatus;
  /** The status afterwards; absent with `--dry-run`. */
  readonly after?: MigrationStatus;
}

function human(result: MigrateResult): string {
  const { before } = result;
  if (result.migrations.length === 0) {
    return `Schema is up to date (${before.backend}, version ${before.currentVersion}).`;
  }
  const list = result.migrations.map((m) => `  ${m.version}  ${m.name}`).join('\n');
  return result.dryRun
    ? `${result.migrations.length} migration(s) pending (${before.backend}, version ${before.currentVersion} → ${before.latestVersion}):\n${list}\nRun athena migrate to apply them.`
    : `Applied ${result.migrations.length} migration(s) (${before.backend}, now version ${result.after?.currentVersion ?? before.latestVersion}):\n${list}`;
}

/** `athena migrate [--dry-run]`. */
export function registerMigrateCommand(program: Command): void {
  program
    .command('migrate')
    .description('apply pending schema migrations (--dry-run: list them, change nothing)')
    .option('--dry-run', 'only list the migrations that would be applied')
    .action(
      action(async (ctx, options: { dryRun?: boolean }) => {
        const store = await ctx.open({ initialize: false, fallback: 'none' });
        const before = await store.migrationStatus();
        const dryRun = options.dryRun === true;
        let after: MigrationStatus | undefined;
        if (!dryRun) {
          await store.init();
          after = await store.migrationStatus();
        }
        ctx.print<MigrateResult>({
          result: {
            dryRun,
            backend: store.selection.backend,
            migrations: before.pending,
            before,
            ...(after === undefined ? {} : { after }),
          },
          human,
        });
      }),
    );
}
