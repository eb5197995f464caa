import { RECORD_TABLES } from '@athena/core-types';
import { registerAthenaTool } from '../athena-tool.js';
import type { Session } from '../athena-tool.js';
import { toolResult } from '../tool-result.js';

/** stats. */
export function registerStatsTool(session: Session): void {
  registerAthenaTool(
    session,
    'stats',
    {
      title: 'Memory statistics',
      description:
        'What the project holds: rows per kind (memories, events, goals, tasks, decisions, code entities), ' +
        'memories per consolidation state, embedding models, and the backend.',
      inputSchema: {},
      readOnly: true,
    },
    async (_args, { store, project }) => {
      const stats = await store.stats({ projectId: project.id });
      const counts = RECORD_TABLES.filter((table) => stats.counts[table] > 0)
        .map((table) => `${table} ${stats.counts[table]}`)
        .join(', ');
      const states = Object.entries(stats.memoriesByState)
        .filter(([, n]) => n > 0)
        .map(([state, n]) => `${state} ${n}`)
        .join(', ');
      return toolResult(
        [
          `Project ${project.name} (id ${project.id}) on ${stats.backend}, schema version ${stats.schemaVersion}, ${stats.embeddingDimension} dimensions.`,
          `Rows: ${counts === '' ? 'none' : counts}.`,
          ...(states === '' ? [] : [`Memories by state: ${states}.`]),
        ].join('\n'),
        { project: project.name, stats },
      );
    },
  );
}
