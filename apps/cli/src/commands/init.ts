import type { Command } from 'commander';
import type { Project } from '@athena/core-types';
import { resolveProject } from '@athena/search';
import { action } from '../run.js';
import { renderFields } from '../table.js';

/** What `athena init` reports. */
export interface InitResult {
  /** False when the directory already had its project. */
  readonly created: boolean;
  readonly project: Project;
  readonly backend: string;
  /** Why this backend (the setting that chose it, or a fallback). */
  readonly reason: string;
  /** The SQLite file, when SQLite. */
  readonly sqlitePath: string | null;
  readonly schemaVersion: number;
  readonly embeddingDimension: number;
}

/** `athena init`: create or migrate the database, and the project of the current directory. */
export function registerInitCommand(program: Command): void {
  program
    .command('init')
    .description(
      'create (or migrate) the database the environment selects, and the project of the current directory',
    )
    .option('--name <name>', 'project name (default: the directory name)')
    .option('--description <text>', 'project description')
    .action(
      action(async (ctx, options: { name?: string; description?: string }) => {
        const store = await ctx.store();
        const { project, created } = await resolveProject(store.projects, {
          cwd: ctx.cwd,
          create: {
            ...(options.name === undefined ? {} : { name: options.name }),
            description: options.description ?? null,
            hint: 'choose another with --name',
          },
        });
        const status = await store.migrationStatus();
        ctx.print<InitResult>({
          result: {
            created,
            project,
            backend: store.selection.backend,
            reason: store.selection.reason,
            sqlitePath: store.selection.sqlitePath ?? null,
            schemaVersion: status.currentVersion,
            embeddingDimension: store.embeddingDimension,
          },
          human: (r) =>
            `${r.created ? 'Created' : 'Found'} project ${r.project.name} (id ${r.project.id}) at ${r.project.path}\n` +
            renderFields([
              ['backend', `${r.backend} (${r.reason})`],
              ...(r.sqlitePath === null
                ? []
                : ([['database', r.sqlitePath]] as [string, string][])),
              ['schema', `version ${r.schemaVersion}`],
              ['dimension', String(r.embeddingDimension)],
            ]),
        });
      }),
    );
}
