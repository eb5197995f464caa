import type { Command } from 'commander';
import { DECISION_STATUSES } from '@athena/core-types';
import type { Decision, DecisionStatus } from '@athena/core-types';
import { id, list, listOf, numberIn } from '../parse.js';
import { action } from '../run.js';
import { renderTable, when } from '../table.js';

const decisionTable = (decisions: readonly Decision[]) =>
  decisions.length === 0
    ? 'No decisions.'
    : renderTable(decisions, [
        { header: 'id', value: (d) => String(d.id), align: 'right' },
        { header: 'status', value: (d) => d.status },
        { header: 'confidence', value: (d) => d.confidence.toFixed(2), align: 'right' },
        { header: 'validated', value: (d) => when(d.validatedAt) },
        { header: 'by', value: (d) => (d.supersededBy === null ? '' : String(d.supersededBy)) },
        { header: 'decision', value: (d) => d.title, max: 60 },
      ]);

/** `athena decision create|list|validate`. */
export function registerDecisionCommands(program: Command): void {
  const decision = program.command('decision').description('planning decisions of the project');

  decision
    .command('create')
    .description('record a proposed decision')
    .argument('<title...>', 'the decision')
    .option('--rationale <text>', 'why')
    .option('--alternatives <list>', 'alternatives considered, comma-separated', list)
    .option('--confidence <n>', 'confidence in [0, 1] (default 0.5)', numberIn(0, 1))
    .action(
      action(
        async (
          ctx,
          words: string[],
          options: { rationale?: string; alternatives?: string[]; confidence?: number },
        ) => {
          const project = await ctx.project();
          const created = await (
            await ctx.store()
          ).decisions.create(project.id, { title: words.join(' '), ...options });
          ctx.print({
            result: { decision: created },
            human: (r) => `Proposed decision ${r.decision.id}: ${r.decision.title}`,
          });
        },
      ),
    );

  decision
    .command('list')
    .description('decisions of the project, by id')
    .option(
      '--status <statuses>',
      `statuses (${DECISION_STATUSES.join(', ')})`,
      listOf(DECISION_STATUSES),
    )
    .action(
      action(async (ctx, options: { status?: DecisionStatus[] }) => {
        const project = await ctx.project();
        const decisions = await (
          await ctx.store()
        ).decisions.list(
          project.id,
          options.status === undefined ? {} : { statuses: options.status },
        );
        ctx.print({ result: { decisions }, human: (r) => decisionTable(r.decisions) });
      }),
    );

  decision
    .command('validate')
    .description('mark a proposed decision validated')
    .argument('<id>', 'decision id', id)
    .option('--notes <text>', 'what validated it')
    .action(
      action(async (ctx, decisionId: number, options: { notes?: string }) => {
        const project = await ctx.project();
        const validated = await (
          await ctx.store()
        ).decisions.validate(project.id, decisionId, options.notes ?? null);
        ctx.print({
          result: { decision: validated },
          human: (r) => `Validated decision ${r.decision.id}: ${r.decision.title}`,
        });
      }),
    );
}
