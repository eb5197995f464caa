import type { Command } from 'commander';
import { RECORD_TABLES } from '@athena/core-types';
import type { StoreStats } from '@athena/core-types';
import { action } from '../run.js';
import { bytes, renderFields, renderTable } from '../table.js';

function human(stats: StoreStats): string {
  const problems = stats.indexes.filter((index) => !index.present || !index.valid);
  const states = Object.entries(stats.memoriesByState).filter(([, n]) => n > 0);
  return [
    renderFields([
      ['backend', stats.backend],
      ['scope', stats.projectId === null ? 'whole database' : `project ${stats.projectId}`],
      ['schema', `version ${stats.schemaVersion}`],
      ['dimension', String(stats.embeddingDimension)],
      ['size', bytes(stats.sizeBytes)],
      [
        'indexes',
        problems.length === 0
          ? `${stats.indexes.length} present and valid`
          : `${problems.length} of ${stats.indexes.length} missing or invalid (see athena doctor)`,
      ],
    ]),
    '',
    renderTable(
      RECORD_TABLES.map((table) => [table, stats.counts[table]] as const),
      [
        { header: 'table', value: ([table]) => table },
        { header: 'rows', value: ([, n]) => String(n), align: 'right' },
      ],
    ),
    '',
    renderTable(states.length === 0 ? [['—', 0] as const] : states, [
      { header: 'memory state', value: ([state]) => state },
      { header: 'memories', value: ([, n]) => String(n), align: 'right' },
    ]),
    '',
    renderTable(Object.entries(stats.episodesByStatus), [
      { header: 'episode status', value: ([status]) => status },
      { header: 'events', value: ([, n]) => String(n), align: 'right' },
    ]),
    ...(stats.embeddingModels.length === 0
      ? []
      : [
          '',
          renderTable(stats.embeddingModels, [
            { header: 'embedding model', value: (m) => m.model ?? '(none recorded)' },
            { header: 'memories', value: (m) => String(m.memories), align: 'right' },
          ]),
        ]),
    ...problems.map(
      (index) => `\n${index.name} (${index.kind} on ${index.table}): ${index.problem ?? 'invalid'}`,
    ),
  ].join('\n');
}

/** `athena stats`: counts, states, models, size, index health. */
export function registerStatsCommand(program: Command): void {
  program
    .command('stats')
    .description(
      'rows per table and consolidation state, embedding models, database size and index health ' +
        '(the whole database; one project with --project)',
    )
    .action(
      action(async (ctx) => {
        const store = await ctx.store();
        const stats = await store.stats(
          ctx.options.project === undefined ? {} : { projectId: (await ctx.project()).id },
        );
        ctx.print({ result: stats, human });
      }),
    );
}
