import { Option } from 'commander';
import type { Command } from 'commander';
import { EPISODE_EVENT_TYPES, EPISODE_OUTCOMES, readVariable } from '@athena/core-types';
import type { EpisodeEventType, EpisodeOutcome, EpisodicEvent } from '@athena/core-types';
import { instant, integerIn, list, listOf, numberIn } from '../parse.js';
import { action } from '../run.js';
import { renderTable, when } from '../table.js';

/** `athena event record|list`: episodic memory. */
export function registerEventCommands(program: Command): void {
  const event = program.command('event').description('episodic events: what happened in a session');

  event
    .command('record')
    .description('record an event')
    .argument('<content...>', 'what happened')
    .addOption(
      new Option('--type <type>', 'event type').choices(EPISODE_EVENT_TYPES).makeOptionMandatory(),
    )
    .option('--session <id>', 'session id (default: ATHENA_SESSION_ID, else cli)')
    .addOption(new Option('--outcome <outcome>', 'how it turned out').choices(EPISODE_OUTCOMES))
    .option('--files <files>', 'files involved, comma-separated', list)
    .option('--learned <text>', 'what was learned, in a sentence')
    .option('--duration <ms>', 'duration in milliseconds', integerIn(0, 2 ** 31 - 1))
    .option('--surprise <n>', 'how unexpected, in [0, 1]', numberIn(0, 1))
    .option('--at <instant>', 'when (default now)', instant)
    .action(
      action(
        async (
          ctx,
          words: string[],
          options: {
            type: EpisodeEventType;
            session?: string;
            outcome?: EpisodeOutcome;
            files?: string[];
            learned?: string;
            duration?: number;
            surprise?: number;
            at?: Date;
          },
        ) => {
          const project = await ctx.project();
          const recorded = await (
            await ctx.store()
          ).episodes.record(project.id, {
            sessionId: options.session ?? readVariable(process.env, 'ATHENA_SESSION_ID'),
            eventType: options.type,
            content: words.join(' '),
            context: {
              cwd: ctx.cwd,
              ...(options.files === undefined ? {} : { files: options.files }),
            },
            ...(options.outcome === undefined ? {} : { outcome: options.outcome }),
            ...(options.learned === undefined ? {} : { learned: options.learned }),
            ...(options.duration === undefined ? {} : { durationMs: options.duration }),
            ...(options.surprise === undefined ? {} : { surpriseScore: options.surprise }),
            ...(options.at === undefined ? {} : { timestamp: options.at }),
          });
          ctx.print({
            result: { event: recorded },
            human: (r) =>
              `Recorded event ${r.event.id} (${r.event.eventType}) in session ${r.event.sessionId}`,
          });
        },
      ),
    );

  event
    .command('list')
    .description('events of the project, oldest first, a page at a time')
    .option('--session <id>', 'only this session')
    .option(
      '--type <types>',
      `event types (${EPISODE_EVENT_TYPES.join(', ')})`,
      listOf(EPISODE_EVENT_TYPES),
    )
    .option('--since <instant>', 'from this instant (inclusive)', instant)
    .option('--until <instant>', 'before this instant', instant)
    .option('--limit <n>', 'page size, 1–1000', integerIn(1, 1000), 50)
    .option('--after <cursor>', 'the cursor a previous page printed')
    .action(
      action(
        async (
          ctx,
          options: {
            session?: string;
            type?: EpisodeEventType[];
            since?: Date;
            until?: Date;
            limit: number;
            after?: string;
          },
        ) => {
          const project = await ctx.project();
          const page = await (
            await ctx.store()
          ).episodes.list(project.id, {
            limit: options.limit,
            after: options.after ?? null,
            ...(options.session === undefined ? {} : { sessionId: options.session }),
            ...(options.type === undefined ? {} : { eventTypes: options.type }),
            ...(options.since === undefined ? {} : { from: options.since }),
            ...(options.until === undefined ? {} : { to: options.until }),
          });
          ctx.print<{ items: readonly EpisodicEvent[]; nextCursor: string | null }>({
            result: { items: page.items, nextCursor: page.nextCursor },
            human: (r) =>
              [
                r.items.length === 0
                  ? 'No events.'
                  : renderTable(r.items, [
                      { header: 'id', value: (e) => String(e.id), align: 'right' },
                      { header: 'when', value: (e) => when(e.timestamp) },
                      { header: 'session', value: (e) => e.sessionId, max: 20 },
                      { header: 'type', value: (e) => e.eventType },
                      { header: 'outcome', value: (e) => e.outcome ?? '—' },
                      { header: 'event', value: (e) => e.content, max: 60 },
                    ]),
                ...(r.nextCursor === null
                  ? []
                  : [`\nnext page: athena event list --after ${r.nextCursor}`]),
              ].join('\n'),
          });
        },
      ),
    );
}
