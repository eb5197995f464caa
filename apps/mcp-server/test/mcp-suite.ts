import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ProgressNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { afterAll, beforeAll, expect, it } from 'vitest';
import type { AppDatabases } from '@athena/test-postgres';
import { writeCodeFixture } from './code-fixture.js';
import { connectStdio, textOf } from './connect.js';
import type { Connected } from './connect.js';

const TOOLS = [
  'code_impact',
  'code_search',
  'consolidate',
  'create_goal',
  'create_task',
  'forget',
  'index_code',
  'list_goals',
  'list_tasks',
  'recall',
  'record_decision',
  'record_event',
  'remember',
  'search',
  'stats',
  'update_task',
];

/** A tool error: `isError`, the typed error's code and message in text and structured content. */
function expectToolError(result: CallToolResult, code: string, message: RegExp): void {
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(new RegExp(`^${code}: `));
  expect(textOf(result)).toMatch(message);
  expect(result.structuredContent).toMatchObject({ error: { code } });
}

/** Arguments the SDK refuses by the tool's input schema: a tool error naming the field. */
function expectBadArguments(result: CallToolResult, field: string): void {
  expect(result.isError).toBe(true);
  expect(textOf(result)).toMatch(/Input validation error/);
  expect(textOf(result)).toContain(field);
}

function structured<T>(result: CallToolResult): T {
  expect(result.isError ?? false).toBe(false);
  return result.structuredContent as T;
}

/**
 * Every tool, resource and prompt through the SDK's own `Client`, on one
 * backend, against the built server spawned once (plus one more for a
 * client with roots).
 */
export function mcpSuite(make: (root: string) => AppDatabases): void {
  let root: string;
  let backend: AppDatabases;
  let env: Record<string, string>;
  let cwd: string;
  let mcp: Connected;

  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'athena-mcp-'));
    backend = make(root);
    env = { ...backend.database('main'), ATHENA_EMBEDDING_DIM: '32' };
    cwd = join(root, 'ledgerly');
    mkdirSync(cwd);
    writeCodeFixture(cwd);
    mcp = await connectStdio({ env, cwd });
  });
  afterAll(async () => {
    await mcp?.close();
    await backend.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('lists every tool with a description for a model and an input schema', async () => {
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual(TOOLS);
    for (const tool of tools) {
      expect(tool.description?.length).toBeGreaterThan(60);
      expect(tool.inputSchema.type).toBe('object');
      expect(Object.keys(tool.inputSchema.properties ?? {})).toContain('project');
    }
    const remember = tools.find((t) => t.name === 'remember');
    expect(remember?.inputSchema.required).toEqual(['content']);
    expect(remember?.annotations).toMatchObject({ readOnlyHint: false, destructiveHint: false });
    expect(tools.find((t) => t.name === 'forget')?.annotations?.destructiveHint).toBe(true);
    expect(tools.find((t) => t.name === 'search')?.annotations?.readOnlyHint).toBe(true);
    expect(mcp.client.getInstructions()).toMatch(/recall/);
  });

  let firstMemory = 0;
  it('remember, recall, search and forget; the project is the working directory, created on first use', async () => {
    const saved = await mcp.call('remember', {
      content: 'Stripe retries webhooks eight times over three days',
      type: 'fact',
      domain: 'payments',
      tags: ['stripe', 'webhooks'],
      confidence: 0.9,
    });
    const { project, memory } = structured<{
      project: string;
      memory: Record<string, unknown>;
    }>(saved);
    expect(project).toBe('ledgerly');
    expect(memory).toMatchObject({
      content: 'Stripe retries webhooks eight times over three days',
      memoryType: 'fact',
      domain: 'payments',
      tags: ['stripe', 'webhooks'],
      confidence: 0.9,
      embeddingModel: 'athena-hash-v2-32',
    });
    expect(memory).not.toHaveProperty('embedding');
    firstMemory = memory['id'] as number;
    expect(textOf(saved)).toBe(`Remembered memory ${firstMemory} (fact) in project ledgerly.`);
    await mcp.call('remember', {
      content: 'PgBouncer transaction mode broke prepared statements (error 26000)',
      type: 'pattern',
    });

    const recalled = await mcp.call('recall', {
      query: 'how often are webhooks retried',
      limit: 1,
    });
    expect(textOf(recalled)).toMatch(
      new RegExp(
        `^1\\. \\[memory ${firstMemory}\\] \\(fact, payments, score [\\d.]+\\) Stripe retries`,
      ),
    );
    const hits = structured<{ hits: { memory: { id: number; accessCount: number } }[] }>(
      recalled,
    ).hits;
    expect(hits.map((h) => h.memory.id)).toEqual([firstMemory]);

    const keyword = await mcp.call('search', { query: '26000', mode: 'keyword' });
    expect(structured<{ hits: { memory: { content: string } }[] }>(keyword).hits).toHaveLength(1);
    expect(textOf(keyword)).toMatch(/PgBouncer/);
    const filtered = await mcp.call('search', { query: 'webhooks', types: ['pattern'] });
    expect(textOf(filtered)).not.toMatch(/Stripe/);
    const semantic = await mcp.call('search', {
      query: 'stripe webhooks',
      mode: 'semantic',
      limit: 1,
    });
    expect(structured<{ mode: string }>(semantic).mode).toBe('semantic');

    const forgotten = await mcp.call('forget', { id: firstMemory });
    expect(textOf(forgotten)).toBe(`Forgot memory ${firstMemory}.`);
    expectToolError(
      await mcp.call('forget', { id: firstMemory }),
      'not_found',
      new RegExp(`memory ${firstMemory} not found`),
    );
  });

  it('bad arguments are tool errors naming the field, and the server carries on', async () => {
    expectBadArguments(await mcp.call('remember', {}), 'content');
    expectBadArguments(await mcp.call('remember', { content: 'x', type: 'rumour' }), 'type');
    expectBadArguments(await mcp.call('remember', { content: 'x', confidence: 2 }), 'confidence');
    expectBadArguments(await mcp.call('recall', { query: 'x', limit: 0 }), 'limit');
    expectBadArguments(await mcp.call('forget', { id: -1 }), 'id');
    expectBadArguments(await mcp.call('create_task', { title: 'x', due: 'tomorrow' }), 'due');
    expectBadArguments(await mcp.call('update_task', { id: 1, priority: 11 }), 'priority');
    expectBadArguments(await mcp.call('record_event', { content: 'x', type: 'nap' }), 'type');
    expectBadArguments(await mcp.call('remember', { content: '   ' }), 'content');
    expectToolError(
      await mcp.call('recall', { query: 'x', project: '  ' }),
      'validation',
      /invalid project: must not be empty/,
    );
    expectToolError(
      await mcp.call('recall', { query: 'x', project: 'no-such-project' }),
      'not_found',
      /project no-such-project not found/,
    );
    const unknownTool = await mcp.client
      .callTool({ name: 'consolidate_everything', arguments: {} })
      .then((r) => r as CallToolResult)
      .catch((error: unknown) => error as Error);
    if (unknownTool instanceof Error) expect(unknownTool.message).toMatch(/not found/);
    else expect(unknownTool.isError).toBe(true);
    expect((await mcp.call('stats')).isError ?? false).toBe(false);
  });

  it('record_event keeps the episode with its outcome, files and time', async () => {
    const recorded = await mcp.call('record_event', {
      content: 'Migrations failed on a fresh database',
      type: 'error',
      session: 'session-7',
      outcome: 'failure',
      files: ['src/migrate.ts'],
      learned: 'run migrate before seed',
      durationMs: 1200,
      surprise: 0.7,
      at: '2025-11-20T12:00:00Z',
    });
    const { event } = structured<{ event: Record<string, unknown> }>(recorded);
    expect(event).toMatchObject({
      sessionId: 'session-7',
      eventType: 'error',
      outcome: 'failure',
      learned: 'run migrate before seed',
      durationMs: 1200,
      surpriseScore: 0.7,
      timestamp: '2025-11-20T12:00:00.000Z',
      context: { files: ['src/migrate.ts'] },
    });
    expect(textOf(recorded)).toMatch(
      /^Recorded event \d+ \(error, failure\) in session session-7\.$/,
    );
    const plain = await mcp.call('record_event', { content: 'Tests pass', type: 'test_run' });
    expect(structured<{ event: { sessionId: string } }>(plain).event.sessionId).toBe('mcp');
  });

  let goalId = 0;
  it('create_goal and list_goals; an unknown parent goal is not found', async () => {
    const goal = structured<{ goal: { id: number } }>(
      await mcp.call('create_goal', {
        title: 'Ship invoicing v2',
        priority: 8,
        deadline: '2026-03-31',
      }),
    ).goal;
    goalId = goal.id;
    const sub = await mcp.call('create_goal', { title: 'PDF export', parentId: goalId });
    expect(textOf(sub)).toMatch(
      new RegExp(
        `^Created \\[goal \\d+\\] PDF export \\(planned, priority 5, 0%, under goal ${goalId}\\)\\.$`,
      ),
    );
    const listed = await mcp.call('list_goals', {});
    expect(structured<{ goals: { title: string }[] }>(listed).goals.map((g) => g.title)).toEqual([
      'Ship invoicing v2',
      'PDF export',
    ]);
    expect(textOf(listed).split('\n')[0]).toMatch(/due 2026-03-31/);
    const top = await mcp.call('list_goals', { topLevelOnly: true });
    expect(structured<{ goals: unknown[] }>(top).goals).toHaveLength(1);
    expectToolError(
      await mcp.call('create_goal', { title: 'orphan', parentId: 987_654 }),
      'not_found',
      /987654/,
    );
  });

  let taskId = 0;
  it('create_task, update_task and list_tasks; an unknown task is not found', async () => {
    const task = structured<{ task: { id: number; goalId: number } }>(
      await mcp.call('create_task', {
        title: 'Render invoice PDF',
        goalId,
        priority: 9,
        due: '2026-02-01',
      }),
    ).task;
    taskId = task.id;
    expect(task.goalId).toBe(goalId);
    await mcp.call('create_task', { title: 'Write release notes', priority: 2 });
    const started = await mcp.call('update_task', { id: taskId, status: 'in_progress' });
    expect(textOf(started)).toMatch(
      /^Updated \[task \d+\] Render invoice PDF \(in_progress, priority 9/,
    );
    const open = await mcp.call('list_tasks', { statuses: ['pending', 'in_progress'] });
    expect(structured<{ tasks: { title: string }[] }>(open).tasks.map((t) => t.title)).toEqual([
      'Render invoice PDF',
      'Write release notes',
    ]);
    const ofGoal = await mcp.call('list_tasks', { goalId });
    expect(structured<{ tasks: unknown[] }>(ofGoal).tasks).toHaveLength(1);
    expectToolError(
      await mcp.call('update_task', { id: 987_654, status: 'completed' }),
      'not_found',
      /task 987654 not found/,
    );
  });

  it('record_decision; resources list and read the open tasks and recent decisions', async () => {
    const recorded = await mcp.call('record_decision', {
      title: 'Render PDFs with a headless browser',
      rationale: 'fonts and CSS match the web view',
      alternatives: ['pdfkit', 'LaTeX'],
      confidence: 0.7,
    });
    const { decision } = structured<{ decision: Record<string, unknown> }>(recorded);
    expect(decision).toMatchObject({
      status: 'proposed',
      alternatives: ['pdfkit', 'LaTeX'],
      confidence: 0.7,
    });
    expectBadArguments(
      await mcp.call('record_decision', { title: 'x', confidence: 3 }),
      'confidence',
    );

    const { resources } = await mcp.client.listResources();
    const uris = resources.map((r) => r.uri);
    expect(uris).toHaveLength(2);
    const tasksUri = uris.find((u) => u.endsWith('/tasks/open')) as string;
    const tasks = await mcp.client.readResource({ uri: tasksUri });
    expect(tasks.contents[0]).toMatchObject({ mimeType: 'text/plain' });
    expect((tasks.contents[0] as { text: string }).text.split('\n')).toEqual([
      expect.stringMatching(/^\[task \d+\] Render invoice PDF \(in_progress/),
      expect.stringMatching(/^\[task \d+\] Write release notes \(pending/),
    ]);
    const decisionsUri = uris.find((u) => u.endsWith('/decisions/recent')) as string;
    const decisions = await mcp.client.readResource({ uri: decisionsUri });
    expect((decisions.contents[0] as { text: string }).text).toMatch(
      /^\[decision \d+\] Render PDFs with a headless browser \(proposed, confidence 0\.70\): fonts/,
    );
    expect(JSON.parse((decisions.contents[1] as { text: string }).text)).toHaveLength(1);
    await expect(
      mcp.client.readResource({ uri: 'athena://projects/987654/tasks/open' }),
    ).rejects.toThrow(/project 987654 not found/);
  });

  it('prompts: start_task brings memories, open tasks and decisions; wrap_up asks to save', async () => {
    const { prompts } = await mcp.client.listPrompts();
    expect(prompts.map((p) => p.name).sort()).toEqual(['start_task', 'wrap_up']);
    const start = await mcp.client.getPrompt({
      name: 'start_task',
      arguments: { task: 'fix the PgBouncer prepared statements error' },
    });
    const text = (start.messages[0]?.content as { text: string }).text;
    expect(text).toMatch(/## Relevant memories\n- \[memory \d+\] \(pattern\) PgBouncer/);
    expect(text).toMatch(/## Open tasks\n- \[task \d+\] Render invoice PDF/);
    expect(text).toMatch(/## Recent decisions\n- \[decision \d+\] Render PDFs/);
    const wrap = await mcp.client.getPrompt({ name: 'wrap_up' });
    expect((wrap.messages[0]?.content as { text: string }).text).toMatch(/`remember`/);
  });

  it('stats counts what the project holds', async () => {
    const stats = await mcp.call('stats');
    expect(structured<{ stats: Record<string, unknown> }>(stats).stats).toMatchObject({
      backend: backend.name,
      counts: { memories: 1, episodes: 2, goals: 2, tasks: 2, decisions: 1 },
    });
    expect(textOf(stats)).toMatch(new RegExp(`^Project ledgerly \\(id \\d+\\) on ${backend.name}`));
  });

  it('consolidate supersedes a duplicate, turns events into a lesson and returns the run record', async () => {
    const notes = join(root, 'notes');
    const remembered: number[] = [];
    for (const content of [
      'The nightly export job writes CSV files to the reports bucket',
      'The nightly export job writes CSV files to the reports bucket.',
      'Invoices are numbered per tenant, without gaps',
    ]) {
      const saved = await mcp.call('remember', { content, project: notes });
      remembered.push(structured<{ memory: { id: number } }>(saved).memory.id);
    }
    await mcp.call('record_event', {
      content: 'Export job ran out of memory on large tenants',
      type: 'error',
      session: 'night-1',
      outcome: 'failure',
      learned: 'stream rows instead of loading them',
      project: notes,
    });

    const consolidated = await mcp.call('consolidate', { project: notes });
    const { project, run } = structured<{
      project: string;
      run: Record<string, number | string | null>;
    }>(consolidated);
    expect(project).toBe('notes');
    // The three memories and the lesson the event became.
    expect(run).toMatchObject({ claimed: 4, superseded: 1, episodes: 1, errors: 0 });
    expect(textOf(consolidated)).toMatch(
      new RegExp(
        `^Consolidated project notes in \\d+ ms \\(run ${String(run['id'])}\\): 4 memories claimed into \\d+ clusters, .*1 duplicates superseded, .*1 episodes turned into lessons`,
      ),
    );
    // The duplicate is gone from search; its representative and the lesson are found.
    const found = structured<{ hits: { memory: { id: number; content: string } }[] }>(
      await mcp.call('search', { query: 'nightly export CSV reports bucket', project: notes }),
    ).hits;
    expect(found.filter((h) => /reports bucket/.test(h.memory.content))).toHaveLength(1);
    expect(remembered.slice(0, 2)).toContain(found[0]?.memory.id);
    expect(
      textOf(await mcp.call('search', { query: 'stream rows', mode: 'keyword', project: notes })),
    ).toMatch(/stream rows instead of loading them/);

    const again = structured<{ run: { claimed: number } }>(
      await mcp.call('consolidate', { project: notes, maxBatches: 1 }),
    );
    expect(again.run.claimed).toBe(0);
    expectBadArguments(await mcp.call('consolidate', { maxBatches: 0 }), 'maxBatches');
  });

  it('index_code, code_impact and code_search over the project directory', async () => {
    const indexed = await mcp.call('index_code');
    expect(structured<{ report: Record<string, unknown> }>(indexed).report).toMatchObject({
      root: cwd,
      files: { scanned: 3, indexed: 3 },
      entities: { created: 6 },
      problems: [],
    });
    expect(textOf(indexed)).toMatch(/^Indexed .*ledgerly: 3 of 3 files read/);
    const again = await mcp.call('index_code', { root: '.' });
    expect(
      structured<{ report: { files: { unchanged: number } } }>(again).report.files.unchanged,
    ).toBe(3);
    // With a progress token the run reports its phases as progress rising to the total. The
    // SDK's own onprogress drops notifications it handles after the result; record them all.
    const updates: { progress: number; total?: number; message?: string }[] = [];
    mcp.client.setNotificationHandler(ProgressNotificationSchema, (notification) => {
      if (notification.params.progressToken === 'index-progress') updates.push(notification.params);
    });
    const forced = (await mcp.client.callTool({
      name: 'index_code',
      arguments: { force: true },
      _meta: { progressToken: 'index-progress' },
    })) as CallToolResult;
    mcp.client.removeNotificationHandler('notifications/progress');
    expect(forced.isError).toBeFalsy();
    expect(updates.map((u) => u.message)).toEqual([
      'scan: 0/0 files, 0 entities',
      'analyze: 0/3 files, 0 entities',
      'analyze: 1/3 files, 2 entities',
      'analyze: 2/3 files, 4 entities',
      'analyze: 3/3 files, 6 entities',
      'write: 3/3 files, 6 entities',
      'done: 3/3 files, 6 entities',
    ]);
    expect(updates.map((u) => [u.progress, u.total])).toEqual(
      [0, 1000, 1333, 1666, 1999, 3999, 4000].map((p) => [p, 4000]),
    );

    const impact = await mcp.call('code_impact', { entity: 'query', entityTypes: ['function'] });
    const { impacted } = structured<{
      impacted: { depth: number; entity: { qualifiedName: string }; path: number[] }[];
    }>(impact);
    expect(impacted.map((i) => [i.depth, i.entity.qualifiedName, i.path.length])).toEqual([
      [1, 'findUser', 2],
      [2, 'handler', 3],
    ]);
    expect(textOf(impact).split('\n')).toEqual([
      '2 entities depend on query:',
      expect.stringMatching(/^- depth 1: src\/users\.ts:4 function findUser \[entity \d+\]$/),
      expect.stringMatching(/^- depth 2: src\/api\.ts:3 function handler \[entity \d+\]$/),
    ]);
    const modules = await mcp.call('code_impact', { entity: 'src/db.ts', unbounded: true });
    expect(textOf(modules)).toMatch(/depth 2: src\/api\.ts:1 module src\/api/);
    expect(textOf(await mcp.call('code_impact', { entity: 'handler' }))).toBe(
      'Nothing depends on handler.',
    );
    expectToolError(
      await mcp.call('code_impact', { entity: 'nowhere' }),
      'not_found',
      /code entity nowhere not found/,
    );
    expectBadArguments(
      await mcp.call('code_impact', { entity: 'query', kinds: ['inherits'] }),
      'kinds',
    );

    const search = await mcp.call('code_search', {
      query: 'customer lookup',
      entityTypes: ['function'],
    });
    const found = structured<{ hits: { entity: { name: string } }[] }>(search).hits;
    expect(found[0]?.entity.name).toBe('findUser');
    expect(textOf(search)).toMatch(
      /^1\. src\/users\.ts:4 function findUser \[entity \d+\] score [\d.]+\n {3}export function findUser/,
    );
  });

  it('two projects never see each other: by argument, and by the client’s roots', async () => {
    const other = join(root, 'warehouse');
    const there = await mcp.call('remember', {
      content: 'The warehouse scanner sends EAN-13 codes',
      project: other,
    });
    expect(structured<{ project: string }>(there).project).toBe('warehouse');
    const recalledThere = await mcp.call('recall', {
      query: 'scanner EAN-13',
      project: 'warehouse',
    });
    expect(textOf(recalledThere)).toMatch(/warehouse scanner/);
    const recalledHere = await mcp.call('recall', { query: 'scanner EAN-13' });
    expect(textOf(recalledHere)).not.toMatch(/warehouse/);
    expect(textOf(await mcp.call('list_tasks', { project: 'warehouse' }))).toBe('No tasks.');
    expect(
      structured<{ stats: { counts: { memories: number } } }>(
        await mcp.call('stats', { project: 'warehouse' }),
      ).stats.counts.memories,
    ).toBe(1);

    // A second client whose workspace root is another directory: its own project, created on first use.
    const rootDir = join(root, 'clinic');
    mkdirSync(rootDir);
    const rooted = await connectStdio({ env, cwd, roots: [rootDir] });
    try {
      const saved = await rooted.call('remember', { content: 'Appointments are 20 minutes long' });
      expect(structured<{ project: string }>(saved).project).toBe('clinic');
      expect(
        textOf(await rooted.call('recall', { query: 'webhooks PgBouncer scanner' })),
      ).not.toMatch(/PgBouncer|scanner/);
      expect(textOf(await rooted.call('list_tasks'))).toBe('No tasks.');
      const { resources } = await rooted.client.listResources();
      const clinic = await rooted.call('stats');
      const clinicId = structured<{ stats: { projectId: number } }>(clinic).stats.projectId;
      expect(resources.map((r) => r.uri)).toContain(`athena://projects/${clinicId}/tasks/open`);

      // The client opens another folder: the next call works in that folder's project.
      const pharmacy = join(root, 'pharmacy');
      mkdirSync(pharmacy);
      await rooted.setRoots([pharmacy]);
      await expect
        .poll(async () => structured<{ project: string }>(await rooted.call('stats')).project)
        .toBe('pharmacy');
      expect(textOf(await rooted.call('recall', { query: 'appointments' }))).toBe(
        'No memory matches.',
      );
    } finally {
      await rooted.close();
    }
    const here = await mcp.call('recall', { query: 'appointments minutes' });
    expect(textOf(here)).not.toMatch(/Appointments/);
    expect(mcp.stderr()).not.toMatch(/\n\s+at /);
  });
}
