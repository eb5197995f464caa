import type { Command } from 'commander';
import type { ConsolidationRun } from '@athena/core-types';
import { createConsolidator, createSummarizerFromEnv } from '@athena/consolidation';
import type { ConsolidatorOptions } from '@athena/consolidation';
import type { CliContext } from '../cli-context.js';
import { integerIn, numberIn } from '../parse.js';
import { action } from '../run.js';
import { renderFields } from '../table.js';

interface ConsolidateOptions {
  readonly watch?: boolean;
  readonly interval?: number;
  readonly batchSize?: number;
  readonly maxBatches?: number;
  readonly similarity?: number;
  readonly duplicate?: number;
  readonly worker?: string;
}

function human(run: ConsolidationRun): string {
  const ms = run.finishedAt.getTime() - run.startedAt.getTime();
  return renderFields([
    ['run', `${run.id} (project ${run.projectId}, worker ${run.workerId}, ${ms} ms)`],
    ['claimed', String(run.claimed)],
    ['clusters', String(run.clusters)],
    ['created', String(run.created)],
    ['superseded', String(run.superseded)],
    ['linked', String(run.linked)],
    ['episodes', String(run.episodes)],
    ['released', String(run.released)],
    ['closed', String(run.closed)],
    ['fallbacks', String(run.fallbacks)],
    ['errors', run.error === null ? String(run.errors) : `${run.errors}: ${run.error}`],
  ]);
}

/** The consolidator options the flags set; the rest keep their defaults. */
function consolidatorOptions(options: ConsolidateOptions): ConsolidatorOptions {
  return {
    ...(options.batchSize === undefined ? {} : { batchSize: options.batchSize }),
    ...(options.maxBatches === undefined ? {} : { maxBatches: options.maxBatches }),
    ...(options.similarity === undefined ? {} : { similarityThreshold: options.similarity }),
    ...(options.duplicate === undefined ? {} : { duplicateThreshold: options.duplicate }),
    ...(options.worker === undefined ? {} : { workerId: options.worker }),
    ...(options.interval === undefined ? {} : { intervalMs: options.interval }),
  };
}

async function consolidate(ctx: CliContext, options: ConsolidateOptions): Promise<void> {
  const store = await ctx.store();
  const project = await ctx.project();
  const base = {
    store,
    embedder: ctx.embedder(),
    summarizer: createSummarizerFromEnv(),
  };
  if (options.watch !== true) {
    const consolidator = createConsolidator({ ...base, options: consolidatorOptions(options) });
    ctx.print({ result: await consolidator.run({ projectId: project.id }), human });
    return;
  }
  // One line per pass (JSON with --json), until SIGINT or SIGTERM; the pass
  // in progress finishes its batch before the command exits.
  const consolidator = createConsolidator({
    ...base,
    options: {
      ...consolidatorOptions(options),
      logger: {
        info: (_message, fields) => {
          const line =
            ctx.options.json === true
              ? JSON.stringify(fields)
              : `run ${String(fields['runId'])}: claimed ${String(fields['claimed'])}, clusters ${String(fields['clusters'])}, superseded ${String(fields['superseded'])}, linked ${String(fields['linked'])}, episodes ${String(fields['episodes'])}, errors ${String(fields['errors'])}`;
          process.stdout.write(`${line}\n`);
        },
        warn: (message, fields) => {
          process.stderr.write(`${message}: ${String(fields['error'] ?? '')}\n`);
        },
      },
    },
  });
  const stopped = new Promise<void>((resolve) => {
    const stop = () => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
  consolidator.start({ projectIds: [project.id] });
  await stopped;
  await consolidator.stop();
}

/** `athena consolidate`: one consolidation pass over the project, or a loop with `--watch`. */
export function registerConsolidateCommand(program: Command): void {
  program
    .command('consolidate')
    .description(
      'consolidate the project: cluster new memories into one representative each, supersede ' +
        'duplicates, turn episodes into lessons, close expired reconsolidation windows ' +
        '(one pass; --watch repeats until interrupted). ATHENA_LLM_URL enables summaries.',
    )
    .option('--watch', 'repeat every --interval until SIGINT or SIGTERM')
    .option(
      '--interval <ms>',
      'pause between passes with --watch (default 60000)',
      integerIn(0, 86_400_000),
    )
    .option('--batch-size <n>', 'memories claimed per batch (default 100)', integerIn(1, 1000))
    .option(
      '--max-batches <n>',
      'batches per pass (default: until none is left)',
      integerIn(1, 1_000_000),
    )
    .option(
      '--similarity <cosine>',
      'similarity threshold of a cluster (default 0.68)',
      numberIn(-1, 1),
    )
    .option(
      '--duplicate <cosine>',
      'similarity of a near duplicate (default 0.88)',
      numberIn(-1, 1),
    )
    .option('--worker <id>', 'worker id in claims, logs and run records')
    .action(action((ctx, options: ConsolidateOptions) => consolidate(ctx, options)));
}
