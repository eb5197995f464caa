import { Option } from 'commander';
import type { Command } from 'commander';
import {
  CONSOLIDATION_STATES,
  CONTENT_TYPES,
  MEMORY_TYPES,
  NotFoundError,
  ValidationError,
} from '@athena/core-types';
import type {
  ConsolidationState,
  ContentType,
  MemoryFilters,
  MemoryType,
  MemoryWithoutEmbedding,
  Relationship,
  TransitionLogEntry,
} from '@athena/core-types';
import { withoutEmbedding } from '@athena/search';
import type { ExplainedResult, RecallHit } from '@athena/search';
import type { CliContext } from '../cli-context.js';
import { id, integerIn, list, listOf, numberIn } from '../parse.js';
import { action } from '../run.js';
import { renderFields, renderTable, when } from '../table.js';

/** Filters shared by recall, search and list. */
interface FilterOptions {
  readonly type?: string[];
  readonly domain?: string[];
  readonly tags?: string[];
  readonly state?: string[];
}

function filtersOf(options: FilterOptions): MemoryFilters {
  return {
    ...(options.type === undefined ? {} : { memoryTypes: options.type as MemoryType[] }),
    ...(options.domain === undefined ? {} : { domains: options.domain }),
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(options.state === undefined
      ? {}
      : { consolidationStates: options.state as ConsolidationState[] }),
  };
}

function withFilters(command: Command): Command {
  return command
    .option('--type <types>', `memory types (${MEMORY_TYPES.join(', ')})`, listOf(MEMORY_TYPES))
    .option('--domain <domains>', 'domains, comma-separated', list)
    .option('--tags <tags>', 'tags, comma-separated (all must match)', list)
    .option(
      '--state <states>',
      `consolidation states (${CONSOLIDATION_STATES.join(', ')})`,
      listOf(CONSOLIDATION_STATES),
    );
}

/** Text of the positional words, or stdin for `-`. */
async function textOf(words: readonly string[], what: string): Promise<string> {
  const text = words.length === 1 && words[0] === '-' ? await readStdin() : words.join(' ');
  if (text.trim() === '') {
    throw new ValidationError(`invalid ${what}: must not be empty`, [
      { path: what, message: 'must not be empty' },
    ]);
  }
  return text;
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\n$/, '');
}

const hitColumns = <H extends { memory: MemoryWithoutEmbedding; score: number }>(
  hits: readonly H[],
) => [
  { header: '#', value: (h: H) => String(hits.indexOf(h) + 1), align: 'right' as const },
  { header: 'id', value: (h: H) => String(h.memory.id), align: 'right' as const },
  { header: 'score', value: (h: H) => h.score.toFixed(4), align: 'right' as const },
  { header: 'type', value: (h: H) => h.memory.memoryType },
  { header: 'domain', value: (h: H) => h.memory.domain ?? '' },
  { header: 'memory', value: (h: H) => h.memory.content, max: 72 },
];

/** What `athena recall` reports. */
export interface RecallResult {
  readonly query: string;
  readonly hits: readonly RecallHit<MemoryWithoutEmbedding>[];
}

/** What `athena search` reports. */
export interface SearchResultOutput {
  readonly query: string;
  readonly mode: 'semantic' | 'keyword' | 'hybrid';
  readonly hits: readonly ExplainedResult<MemoryWithoutEmbedding>[];
}

/** What `athena show` reports. */
export interface ShowResult {
  readonly memory: MemoryWithoutEmbedding & { readonly embedding?: readonly number[] };
  readonly relationships: readonly Relationship[];
  readonly history: readonly TransitionLogEntry[];
}

/** What `athena list` reports. */
export interface ListResult {
  readonly items: readonly MemoryWithoutEmbedding[];
  /** Pass as `--after` for the next page; null on the last. */
  readonly nextCursor: string | null;
}

function memoryFields(memory: MemoryWithoutEmbedding): [string, string][] {
  return [
    ['id', String(memory.id)],
    ['type', `${memory.memoryType} (${memory.contentType})`],
    ['domain', memory.domain ?? '—'],
    ['tags', memory.tags.length === 0 ? '—' : memory.tags.join(', ')],
    ['state', memory.consolidationState],
    ['quality', memory.qualityScore.toFixed(3)],
    ['accessed', `${memory.accessCount} times, last ${when(memory.lastAccessed)}`],
    ['model', memory.embeddingModel ?? '—'],
    ['created', when(memory.createdAt)],
    ['updated', `${when(memory.updatedAt)} (version ${memory.version})`],
  ];
}

async function remember(
  ctx: CliContext,
  words: string[],
  options: {
    type?: MemoryType;
    contentType?: ContentType;
    domain?: string;
    tags?: string[];
    session?: string;
    confidence?: number;
    usefulness?: number;
  },
): Promise<void> {
  const content = await textOf(words, 'content');
  const project = await ctx.project();
  const memory = await (
    await ctx.memory()
  ).remember(project.id, content, {
    ...(options.type === undefined ? {} : { memoryType: options.type }),
    ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
    ...(options.domain === undefined ? {} : { domain: options.domain }),
    ...(options.tags === undefined ? {} : { tags: options.tags }),
    ...(options.session === undefined ? {} : { sessionId: options.session }),
    ...(options.confidence === undefined ? {} : { confidence: options.confidence }),
    ...(options.usefulness === undefined ? {} : { usefulnessScore: options.usefulness }),
  });
  ctx.print({
    result: { memory: withoutEmbedding(memory) },
    human: (r) => `Remembered memory ${r.memory.id} (${r.memory.memoryType}) in ${project.name}`,
  });
}

/** remember, recall, search, forget, show, list. */
export function registerMemoryCommands(program: Command): void {
  program
    .command('remember')
    .description(
      'store a memory in the project (embedded with the configured embedder); `-` reads stdin',
    )
    .argument('<content...>', 'the text to remember')
    .addOption(new Option('--type <type>', 'memory type').choices(MEMORY_TYPES))
    .addOption(new Option('--content-type <type>', 'content format').choices(CONTENT_TYPES))
    .option('--domain <domain>', 'domain, e.g. payments')
    .option('--tags <tags>', 'tags, comma-separated', list)
    .option('--session <id>', 'session id')
    .option('--confidence <n>', 'confidence in [0, 1]', numberIn(0, 1))
    .option('--usefulness <n>', 'usefulness in [0, 1]', numberIn(0, 1))
    .action(action(remember));

  withFilters(
    program
      .command('recall')
      .description(
        "find the memories relevant to a query (hybrid search); records their access, as an agent's recall does",
      )
      .argument('<query...>', 'what to recall')
      .option('--limit <n>', 'results, 1–1000', integerIn(1, 1000), 5)
      .addOption(
        new Option('--fusion <mode>', 'fusion of the two legs').choices(['weighted', 'rrf']),
      ),
  ).action(
    action(
      async (
        ctx,
        words: string[],
        options: FilterOptions & { limit: number; fusion?: 'weighted' | 'rrf' },
      ) => {
        const query = words.join(' ');
        const project = await ctx.project();
        const hits = await (
          await ctx.memory()
        ).recall(project.id, query, {
          limit: options.limit,
          includeEmbedding: false,
          filters: filtersOf(options),
          ...(options.fusion === undefined ? {} : { fusion: options.fusion }),
        });
        ctx.print<RecallResult>({
          result: { query, hits },
          human: (r) =>
            r.hits.length === 0 ? 'No memory matches.' : renderTable(r.hits, hitColumns(r.hits)),
        });
      },
    ),
  );

  withFilters(
    program
      .command('search')
      .description('search the project without side effects: semantic, keyword or hybrid')
      .argument('<query...>', 'the query')
      .addOption(
        new Option('--mode <mode>', 'which search')
          .choices(['semantic', 'keyword', 'hybrid'])
          .default('hybrid'),
      )
      .option('--limit <n>', 'results, 1–1000', integerIn(1, 1000), 10),
  ).action(
    action(
      async (
        ctx,
        words: string[],
        options: FilterOptions & { limit: number; mode: 'semantic' | 'keyword' | 'hybrid' },
      ) => {
        const query = words.join(' ');
        const project = await ctx.project();
        const hits = await (
          await ctx.memory()
        ).search(project.id, query, {
          mode: options.mode,
          limit: options.limit,
          includeEmbedding: false,
          filters: filtersOf(options),
        });
        ctx.print<SearchResultOutput>({
          result: { query, mode: options.mode, hits },
          human: (r) =>
            r.hits.length === 0 ? 'No memory matches.' : renderTable(r.hits, hitColumns(r.hits)),
        });
      },
    ),
  );

  program
    .command('forget')
    .description('delete a memory (with its relationships and transition log)')
    .argument('<id>', 'memory id', id)
    .action(
      action(async (ctx, memoryId: number) => {
        const project = await ctx.project();
        const forgotten = await (await ctx.memory()).forget(project.id, memoryId);
        if (!forgotten) throw new NotFoundError('memory', memoryId);
        ctx.print({
          result: { id: memoryId, forgotten },
          human: (r) => `Forgot memory ${r.id}`,
        });
      }),
    );

  program
    .command('show')
    .description('one memory with its relationships and consolidation history')
    .argument('<id>', 'memory id', id)
    .option('--embedding', 'include the vector')
    .action(
      action(async (ctx, memoryId: number, options: { embedding?: boolean }) => {
        const project = await ctx.project();
        const store = await ctx.store();
        const memory = await store.memories.get(project.id, memoryId);
        if (memory === null) throw new NotFoundError('memory', memoryId);
        const result: ShowResult = {
          memory:
            options.embedding === true
              ? { ...withoutEmbedding(memory), embedding: Array.from(memory.embedding) }
              : withoutEmbedding(memory),
          relationships: await store.relationships.list(project.id, memoryId),
          history: await store.consolidation.history(project.id, memoryId),
        };
        ctx.print({
          result,
          human: (r) =>
            [
              r.memory.content,
              '',
              renderFields(memoryFields(r.memory)),
              ...(r.relationships.length === 0
                ? []
                : [
                    '',
                    renderTable(r.relationships, [
                      { header: 'from', value: (l) => String(l.fromMemoryId), align: 'right' },
                      { header: 'relationship', value: (l) => l.relationshipType },
                      { header: 'to', value: (l) => String(l.toMemoryId), align: 'right' },
                      { header: 'strength', value: (l) => l.strength.toFixed(2), align: 'right' },
                    ]),
                  ]),
              ...(r.history.length === 0
                ? []
                : [
                    '',
                    renderTable(r.history, [
                      { header: 'at', value: (t) => when(t.at) },
                      { header: 'from', value: (t) => t.fromState },
                      { header: 'to', value: (t) => t.toState },
                      { header: 'by', value: (t) => t.actor ?? '' },
                      { header: 'reason', value: (t) => t.reason ?? '', max: 40 },
                    ]),
                  ]),
            ].join('\n'),
        });
      }),
    );

  withFilters(
    program
      .command('list')
      .description("the project's memories, newest first, a page at a time")
      .option('--limit <n>', 'page size, 1–1000', integerIn(1, 1000), 20)
      .option('--after <cursor>', 'the cursor a previous page printed')
      .addOption(new Option('--order <order>', 'by id').choices(['asc', 'desc']).default('desc')),
  ).action(
    action(
      async (
        ctx,
        options: FilterOptions & { limit: number; after?: string; order: 'asc' | 'desc' },
      ) => {
        const project = await ctx.project();
        const page = await (
          await ctx.store()
        ).memories.list(project.id, {
          limit: options.limit,
          after: options.after ?? null,
          order: options.order,
          filters: filtersOf(options),
        });
        ctx.print<ListResult>({
          result: { items: page.items.map(withoutEmbedding), nextCursor: page.nextCursor },
          human: (r) =>
            [
              r.items.length === 0
                ? 'No memories.'
                : renderTable(r.items, [
                    { header: 'id', value: (m) => String(m.id), align: 'right' },
                    { header: 'type', value: (m) => m.memoryType },
                    { header: 'state', value: (m) => m.consolidationState },
                    { header: 'created', value: (m) => when(m.createdAt) },
                    { header: 'memory', value: (m) => m.content, max: 64 },
                  ]),
              ...(r.nextCursor === null
                ? []
                : [`\nnext page: athena list --after ${r.nextCursor}`]),
            ].join('\n'),
        });
      },
    ),
  );
}
