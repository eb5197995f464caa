import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppDatabases } from '@athena/test-postgres';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { athena, MAIN } from './run-cli.js';
import type { CliRun } from './run-cli.js';

/** Exit codes, as the README documents them. */
export const EXIT = { ok: 0, failure: 1, usage: 2, notFound: 3, validation: 4, unavailable: 5 };

/** A usage or input error is one line on stderr, never a stack trace. */
export function oneLine(run: CliRun, pattern: RegExp): void {
  expect(run.stderr).toMatch(pattern);
  expect(run.stderr.trim().split('\n')).toHaveLength(1);
  expect(run.stderr).not.toMatch(/\n\s+at /);
  expect(run.stdout).toBe('');
}

/** Every command, on one backend, as a subprocess. */
export function cliSuite(make: (root: string) => AppDatabases): void {
  let root: string;
  let backend: AppDatabases;
  let env: Record<string, string>;
  let cwd: string;
  const run = (
    args: string[],
    options: { input?: string; cwd?: string; env?: Record<string, string> } = {},
  ) =>
    athena(args, {
      env: options.env ?? env,
      cwd: options.cwd ?? cwd,
      ...(options.input === undefined ? {} : { input: options.input }),
    });

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'athena-cli-'));
    backend = make(root);
    env = { ...backend.database('main'), ATHENA_EMBEDDING_DIM: '32' };
    cwd = join(root, 'ledgerly');
    mkdirSync(cwd);
  });
  afterAll(async () => {
    await backend.cleanup();
    rmSync(root, { recursive: true, force: true });
  });

  it('migrate --dry-run lists the pending migrations and creates nothing; migrate applies them', async () => {
    const dry = await run(['--json', 'migrate', '--dry-run']);
    expect(dry.code).toBe(EXIT.ok);
    const planned = dry.json<{
      dryRun: boolean;
      migrations: { version: number }[];
      before: { initialised: boolean };
    }>();
    expect(planned.dryRun).toBe(true);
    expect(planned.before.initialised).toBe(false);
    expect(planned.migrations.length).toBeGreaterThan(0);
    if (backend.name === 'sqlite')
      expect(existsSync(env['ATHENA_SQLITE_PATH'] as string)).toBe(false);
    const human = await run(['migrate', '--dry-run']);
    expect(human.stdout).toMatch(/migration\(s\) pending/);
    const applied = await run(['--json', 'migrate']);
    expect(applied.code).toBe(EXIT.ok);
    expect(applied.json<{ migrations: unknown[]; after: { pending: unknown[] } }>()).toMatchObject({
      migrations: planned.migrations,
      after: { pending: [] },
    });
    expect((await run(['migrate'])).stdout).toMatch(/up to date/);
    oneLine(await run(['migrate', '--bogus']), /unknown option '--bogus'/);
    expect((await run(['migrate', '--bogus'])).code).toBe(EXIT.usage);
  });

  it('init creates the project of the directory once; refuses a taken name', async () => {
    const created = await run(['init', '--description', 'invoicing']);
    expect(created.code).toBe(EXIT.ok);
    expect(created.stdout).toMatch(/^Created project ledgerly \(id \d+\) at /);
    const again = await run(['--json', 'init']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.json()).toMatchObject({
      created: false,
      project: { name: 'ledgerly', path: cwd, description: 'invoicing' },
      backend: backend.name,
      embeddingDimension: 32,
    });
    const other = join(root, 'elsewhere', 'ledgerly');
    mkdirSync(other, { recursive: true });
    const taken = await run(['init'], { cwd: other });
    expect(taken.code).toBe(EXIT.validation);
    oneLine(taken, /a project named ledgerly exists already .*--name/);
    const named = await run(['--json', 'init', '--name', 'ledgerly-2'], { cwd: other });
    expect(named.json()).toMatchObject({ created: true, project: { name: 'ledgerly-2' } });
  });

  it('commands outside a project say how to make one (exit 3)', async () => {
    const lost = join(root, 'lost');
    mkdirSync(lost);
    const result = await run(['list'], { cwd: lost });
    expect(result.code).toBe(EXIT.notFound);
    oneLine(result, /project at .*lost not found \(run `athena init`/);
    const byName = await run(['--json', 'list', '--limit', '1'], { cwd: lost, env: { ...env } });
    expect(byName.code).toBe(EXIT.notFound);
    expect(JSON.parse(byName.stderr)).toMatchObject({ error: { code: 'not_found', exitCode: 3 } });
    const explicit = await run(['--project', 'ledgerly', '--json', 'list'], { cwd: lost });
    expect(explicit.code).toBe(EXIT.ok);
  });

  let firstMemory = 0;
  it('remember stores a memory (args or stdin); refuses a bad type, confidence or empty content', async () => {
    const stored = await run([
      '--json',
      'remember',
      'Stripe',
      'retries',
      'webhooks',
      'eight',
      'times',
      '--type',
      'fact',
      '--domain',
      'payments',
      '--tags',
      'stripe,webhooks',
      '--confidence',
      '0.9',
    ]);
    expect(stored.code).toBe(EXIT.ok);
    const { memory } = stored.json<{ memory: Record<string, unknown> }>();
    expect(memory).toMatchObject({
      content: 'Stripe retries webhooks eight times',
      memoryType: 'fact',
      domain: 'payments',
      tags: ['stripe', 'webhooks'],
      confidence: 0.9,
      embeddingModel: 'athena-hash-v2-32',
    });
    expect(memory).not.toHaveProperty('embedding');
    firstMemory = memory['id'] as number;
    const piped = await run(['remember', '-', '--type', 'decision'], {
      input: 'We pin better-sqlite3 to 12.x because 13 crashes on Node 20\n',
    });
    expect(piped.stdout).toMatch(/^Remembered memory \d+ \(decision\) in ledgerly/);
    await run(['remember', 'PgBouncer transaction mode broke prepared statements']);
    const badType = await run(['remember', 'x', '--type', 'rumour']);
    expect(badType.code).toBe(EXIT.usage);
    oneLine(badType, /argument 'rumour' is invalid\. Allowed choices are fact, pattern/);
    const badConfidence = await run(['remember', 'x', '--confidence', '2']);
    expect(badConfidence.code).toBe(EXIT.usage);
    oneLine(badConfidence, /must be a number in 0–1/);
    const empty = await run(['remember', '   ']);
    expect(empty.code).toBe(EXIT.validation);
    oneLine(empty, /invalid content: must not be empty/);
  });

  it('recall finds and explains, recording the access; needs a query', async () => {
    const recalled = await run([
      '--json',
      'recall',
      'how',
      'often',
      'are',
      'webhooks',
      'retried',
      '--limit',
      '2',
    ]);
    expect(recalled.code).toBe(EXIT.ok);
    const { hits } = recalled.json<{
      hits: {
        memory: { id: number; accessCount: number };
        score: number;
        explain: string;
        breakdown: object;
      }[];
    }>();
    expect(hits).toHaveLength(2);
    expect(hits[0]?.memory.id).toBe(firstMemory);
    expect(hits[0]?.explain).toContain('fused');
    expect(hits[0]?.breakdown).toHaveProperty('semantic');
    const table = await run(['recall', 'webhooks']);
    expect(table.stdout).toMatch(/^#\s+id\s+score\s+type/);
    const none = await run(['recall']);
    expect(none.code).toBe(EXIT.usage);
    oneLine(none, /missing required argument 'query'/);
    const shown = await run(['--json', 'show', String(firstMemory)]);
    expect(shown.json<{ memory: { accessCount: number } }>().memory.accessCount).toBe(2);
  });

  it('search runs each mode without side effects; refuses an unknown mode', async () => {
    for (const mode of ['semantic', 'keyword', 'hybrid']) {
      const found = await run(['--json', 'search', 'PgBouncer', '--mode', mode, '--limit', '3']);
      expect(found.code, mode).toBe(EXIT.ok);
      const result = found.json<{ mode: string; hits: { memory: { content: string } }[] }>();
      expect(result.mode).toBe(mode);
      expect(result.hits[0]?.memory.content).toContain('PgBouncer');
    }
    const shown = await run(['--json', 'show', String(firstMemory)]);
    expect(shown.json<{ memory: { accessCount: number } }>().memory.accessCount).toBe(2);
    const bad = await run(['search', 'x', '--mode', 'fuzzy']);
    expect(bad.code).toBe(EXIT.usage);
    oneLine(bad, /Allowed choices are semantic, keyword, hybrid/);
  });

  it('list pages with a cursor and filters; refuses a forged cursor', async () => {
    const first = await run(['--json', 'list', '--limit', '2', '--order', 'asc']);
    expect(first.code).toBe(EXIT.ok);
    const page = first.json<{ items: { id: number }[]; nextCursor: string | null }>();
    expect(page.items.map((m) => m.id)[0]).toBe(firstMemory);
    expect(page.nextCursor).not.toBeNull();
    const second = await run([
      '--json',
      'list',
      '--limit',
      '2',
      '--order',
      'asc',
      '--after',
      page.nextCursor as string,
    ]);
    const rest = second.json<{ items: { id: number }[]; nextCursor: string | null }>();
    expect(rest.items).toHaveLength(1);
    expect(rest.nextCursor).toBeNull();
    const filtered = await run(['--json', 'list', '--type', 'decision']);
    expect(
      filtered.json<{ items: { memoryType: string }[] }>().items.map((m) => m.memoryType),
    ).toEqual(['decision']);
    expect((await run(['list', '--limit', '2'])).stdout).toMatch(
      /next page: athena list --after \S+/,
    );
    const forged = await run(['list', '--after', 'not-a-cursor']);
    expect(forged.code).toBe(EXIT.validation);
    oneLine(forged, /invalid cursor/);
  });

  it('show prints a memory, its links and history; unknown ids are exit 3, malformed ones exit 2', async () => {
    const human = await run(['show', String(firstMemory)]);
    expect(human.stdout).toMatch(/^Stripe retries webhooks eight times\n\nid\s+\d+/);
    const withVector = await run(['--json', 'show', String(firstMemory), '--embedding']);
    const result = withVector.json<{
      memory: { embedding: number[] };
      relationships: unknown[];
      history: unknown[];
    }>();
    expect(result.memory.embedding).toHaveLength(32);
    expect(result.relationships).toEqual([]);
    expect(result.history).toEqual([]);
    const missing = await run(['show', '999999']);
    expect(missing.code).toBe(EXIT.notFound);
    oneLine(missing, /^athena: memory 999999 not found\n$/);
    const malformed = await run(['show', 'abc']);
    expect(malformed.code).toBe(EXIT.usage);
    oneLine(malformed, /must be an integer/);
  });

  it('forget deletes once; the second time is exit 3', async () => {
    const stored = await run(['--json', 'remember', 'temporary']);
    const id = stored.json<{ memory: { id: number } }>().memory.id;
    const forgotten = await run(['--json', 'forget', String(id)]);
    expect(forgotten.code).toBe(EXIT.ok);
    expect(forgotten.json()).toEqual({ id, forgotten: true });
    const again = await run(['forget', String(id)]);
    expect(again.code).toBe(EXIT.notFound);
    oneLine(again, /memory \d+ not found/);
  });

  it('event record and list; a missing type or bad date is a usage error', async () => {
    const recorded = await run([
      '--json',
      'event',
      'record',
      'pnpm',
      'test:',
      '1',
      'failed',
      '--type',
      'test_run',
      '--outcome',
      'failure',
      '--session',
      's-1',
      '--files',
      'a.ts,b.ts',
      '--at',
      '2025-06-01T10:00:00Z',
    ]);
    expect(recorded.code).toBe(EXIT.ok);
    expect(recorded.json()).toMatchObject({
      event: {
        content: 'pnpm test: 1 failed',
        eventType: 'test_run',
        outcome: 'failure',
        sessionId: 's-1',
        timestamp: '2025-06-01T10:00:00.000Z',
        context: { cwd, files: ['a.ts', 'b.ts'] },
      },
    });
    await run([
      'event',
      'record',
      'edited',
      'retry.ts',
      '--type',
      'file_change',
      '--session',
      's-2',
    ]);
    const listed = await run(['--json', 'event', 'list', '--session', 's-1']);
    expect(listed.json<{ items: { sessionId: string }[] }>().items.map((e) => e.sessionId)).toEqual(
      ['s-1'],
    );
    expect((await run(['event', 'list'])).stdout).toMatch(
      /test_run\s+failure\s+pnpm test: 1 failed/,
    );
    // Without --session: ATHENA_SESSION_ID, read through the variable registry, else "cli".
    const fromEnv = await run(['--json', 'event', 'record', 'x', '--type', 'action'], {
      env: { ...env, ATHENA_SESSION_ID: 'agent-7' },
    });
    expect(fromEnv.json<{ event: { sessionId: string } }>().event.sessionId).toBe('agent-7');
    const byDefault = await run(['--json', 'event', 'record', 'x', '--type', 'action']);
    expect(byDefault.json<{ event: { sessionId: string } }>().event.sessionId).toBe('cli');
    const badSession = await run(['event', 'record', 'x', '--type', 'action'], {
      env: { ...env, ATHENA_SESSION_ID: 'a'.repeat(1_001) },
    });
    expect(badSession.code).toBe(EXIT.validation);
    oneLine(badSession, /ATHENA_SESSION_ID/);
    const untyped = await run(['event', 'record', 'x']);
    expect(untyped.code).toBe(EXIT.usage);
    oneLine(untyped, /required option '--type <type>' not specified/);
    const badDate = await run(['event', 'list', '--since', 'yesterday']);
    expect(badDate.code).toBe(EXIT.usage);
    oneLine(badDate, /ISO 8601/);
  });

  let goalId = 0;
  it('goal create, list and update; an unknown parent or goal is exit 3', async () => {
    const created = await run([
      '--json',
      'goal',
      'create',
      'Reliable',
      'webhooks',
      '--priority',
      '8',
      '--deadline',
      '2026-01-31',
    ]);
    expect(created.code).toBe(EXIT.ok);
    const { goal } = created.json<{ goal: { id: number } }>();
    goalId = goal.id;
    expect(created.json()).toMatchObject({
      goal: {
        title: 'Reliable webhooks',
        priority: 8,
        status: 'planned',
        deadline: '2026-01-31T00:00:00.000Z',
      },
    });
    await run(['goal', 'create', 'Jitter', '--parent', String(goalId)]);
    const listed = await run(['--json', 'goal', 'list', '--parent', String(goalId)]);
    expect(listed.json<{ goals: { title: string }[] }>().goals.map((g) => g.title)).toEqual([
      'Jitter',
    ]);
    const top = await run(['--json', 'goal', 'list', '--top']);
    expect(top.json<{ goals: { id: number }[] }>().goals.map((g) => g.id)).toEqual([goalId]);
    const updated = await run([
      '--json',
      'goal',
      'update',
      String(goalId),
      '--status',
      'completed',
      '--progress',
      '1',
    ]);
    expect(
      updated.json<{ goal: { status: string; completedAt: string | null } }>().goal,
    ).toMatchObject({ status: 'completed', completedAt: expect.any(String) });
    expect((await run(['goal', 'list'])).stdout).toMatch(/completed\s+100%/);
    const orphan = await run(['goal', 'create', 'x', '--parent', '999999']);
    expect(orphan.code).toBe(EXIT.notFound);
    oneLine(orphan, /goal 999999 not found/);
    expect((await run(['goal', 'update', '999999', '--title', 'y'])).code).toBe(EXIT.notFound);
  });

  it('task create, list, update and done; a bad priority is a usage error', async () => {
    const created = await run([
      '--json',
      'task',
      'create',
      'Write',
      'the',
      'retry',
      'test',
      '--goal',
      String(goalId),
      '--priority',
      '9',
    ]);
    expect(created.code).toBe(EXIT.ok);
    const task = created.json<{ task: { id: number; goalId: number } }>().task;
    expect(task.goalId).toBe(goalId);
    const sub = await run([
      '--json',
      'task',
      'create',
      'Check',
      'bounds',
      '--parent',
      String(task.id),
    ]);
    expect(sub.json()).toMatchObject({ task: { parentTaskId: task.id } });
    const updated = await run([
      '--json',
      'task',
      'update',
      String(task.id),
      '--status',
      'in_progress',
      '--due',
      '2026-02-01',
    ]);
    expect(updated.json()).toMatchObject({
      task: { status: 'in_progress', dueAt: '2026-02-01T00:00:00.000Z' },
    });
    const done = await run(['--json', 'task', 'done', String(task.id)]);
    expect(done.json()).toMatchObject({
      task: { status: 'completed', completedAt: expect.any(String) },
    });
    const listed = await run(['--json', 'task', 'list', '--status', 'completed']);
    expect(listed.json<{ tasks: { id: number }[] }>().tasks.map((t) => t.id)).toEqual([task.id]);
    expect((await run(['task', 'list'])).stdout).toMatch(/Write the retry test/);
    const bad = await run(['task', 'create', 'x', '--priority', '11']);
    expect(bad.code).toBe(EXIT.usage);
    oneLine(bad, /must be an integer in 1–10/);
    expect((await run(['task', 'done', '999999'])).code).toBe(EXIT.notFound);
  });

  it('decision create, list and validate; validating twice is exit 4', async () => {
    const created = await run([
      '--json',
      'decision',
      'create',
      'Retry',
      'eight',
      'times',
      '--rationale',
      'incident',
      '--alternatives',
      'five,ten',
      '--confidence',
      '0.8',
    ]);
    expect(created.code).toBe(EXIT.ok);
    const decision = created.json<{ decision: { id: number } }>().decision;
    expect(created.json()).toMatchObject({
      decision: { alternatives: ['five', 'ten'], status: 'proposed', confidence: 0.8 },
    });
    const validated = await run([
      '--json',
      'decision',
      'validate',
      String(decision.id),
      '--notes',
      'review',
    ]);
    expect(validated.json()).toMatchObject({
      decision: { status: 'validated', validationNotes: 'review' },
    });
    const listed = await run(['--json', 'decision', 'list', '--status', 'validated']);
    expect(listed.json<{ decisions: { id: number }[] }>().decisions.map((d) => d.id)).toEqual([
      decision.id,
    ]);
    expect((await run(['decision', 'list'])).stdout).toMatch(/validated\s+0\.80/);
    const twice = await run(['decision', 'validate', String(decision.id)]);
    expect(twice.code).toBe(EXIT.validation);
    oneLine(twice, /cannot move .*validated/);
  });

  it('stats counts tables and states, with size and index health; an unknown project is exit 3', async () => {
    const stats = await run(['--json', 'stats']);
    expect(stats.code).toBe(EXIT.ok);
    const result = stats.json<{
      backend: string;
      counts: Record<string, number>;
      memoriesByState: Record<string, number>;
      sizeBytes: number;
      indexes: { present: boolean; valid: boolean }[];
    }>();
    expect(result.backend).toBe(backend.name);
    expect(result.counts).toMatchObject({
      projects: 2,
      memories: 3,
      episodes: 4,
      goals: 2,
      tasks: 2,
      decisions: 1,
    });
    expect(result.memoriesByState['unconsolidated']).toBe(3);
    expect(result.sizeBytes).toBeGreaterThan(0);
    expect(result.indexes.every((index) => index.present && index.valid)).toBe(true);
    const scoped = await run(['--json', '--project', 'ledgerly-2', 'stats']);
    expect(scoped.json<{ counts: { memories: number } }>().counts.memories).toBe(0);
    expect((await run(['stats'])).stdout).toMatch(/indexes\s+\d+ present and valid/);
    const unknown = await run(['--project', 'nope', 'stats']);
    expect(unknown.code).toBe(EXIT.notFound);
    oneLine(unknown, /project nope not found/);
  });

  it('doctor passes every check; a broken embedder fails its line with the fix (exit 1)', async () => {
    const doctor = await run(['--json', 'doctor']);
    expect(doctor.code).toBe(EXIT.ok);
    const diagnosis = doctor.json<{
      ok: boolean;
      backend: string;
      checks: { name: string; status: string }[];
    }>();
    expect(diagnosis).toMatchObject({ ok: true, backend: backend.name });
    expect(diagnosis.checks.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'backend',
        'schema',
        'connection',
        'indexes',
        'embedder',
        'embedding model',
      ]),
    );
    const human = await run(['doctor']);
    expect(
      human.stdout
        .split('\n')
        .filter((line) => line !== '')
        .every((line) => /^(OK {2}|FAIL) {2}/.test(line)),
    ).toBe(true);
    const broken = await run(['doctor'], {
      env: {
        ...env,
        ATHENA_EMBEDDER: 'openai',
        ATHENA_EMBEDDINGS_URL: 'http://127.0.0.1:9',
        ATHENA_EMBEDDINGS_MODEL: 'm',
      },
    });
    expect(broken.code).toBe(EXIT.failure);
    expect(broken.stdout).toMatch(/^FAIL {2}embedder/m);
    expect(broken.stdout).toMatch(/fix: start the embeddings server/);
  });

  it('export writes JSON Lines; import reads them into another database, verified', async () => {
    const file = join(root, 'export.jsonl');
    const exported = await run(['--json', 'export', file]);
    expect(exported.code).toBe(EXIT.ok);
    const report = exported.json<{
      file: string;
      counts: Record<string, number>;
      checksum: string;
    }>();
    expect(report).toMatchObject({ file, counts: { memories: 3, goals: 2 } });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({
      type: 'athena-export',
      source: { backend: backend.name },
    });
    expect(JSON.parse(lines.at(-1) as string)).toMatchObject({
      type: 'end',
      checksum: report.checksum,
    });
    const exists = await run(['export', file]);
    expect(exists.code).toBe(EXIT.validation);
    oneLine(exists, /exists: pass --force/);
    const piped = await run(['export', '-']);
    expect(piped.code).toBe(EXIT.ok);
    expect(piped.stdout.split('\n')[0]).toContain('"type":"athena-export"');
    expect(piped.stderr).toMatch(/^Exported \d+ records to -/);

    const other = { ...backend.database('imported'), ATHENA_EMBEDDING_DIM: '32' };
    const imported = await run(['--json', 'import', file], { env: other });
    expect(imported.code).toBe(EXIT.ok);
    expect(imported.json()).toMatchObject({ counts: report.counts, checksum: report.checksum });
    const listed = await run(['--json', '--project', 'ledgerly', 'list'], { env: other });
    expect(listed.json<{ items: unknown[] }>().items).toHaveLength(3);
    const again = await run(['import', file], { env: other });
    expect(again.code).toBe(EXIT.validation);
    oneLine(again, /already has a project named ledgerly/);
    const missing = await run(['import', join(root, 'nope.jsonl')], { env: other });
    expect(missing.code).toBe(EXIT.notFound);
    const garbage = join(root, 'garbage.jsonl');
    writeFileSync(garbage, 'hello\n');
    const refused = await run(['import', garbage], { env: other });
    expect(refused.code).toBe(EXIT.validation);
    oneLine(refused, /line 1: not a JSON value/);
  });

  it('copy moves the database into SQLite, verified; refuses a bad target', async () => {
    const target = join(root, 'copy.db');
    const copied = await run(['--json', 'copy', '--to', target]);
    expect(copied.code).toBe(EXIT.ok);
    const report = copied.json<{
      counts: Record<string, number>;
      checksum: string;
      from: { backend: string };
      to: { backend: string; where: string };
    }>();
    expect(report).toMatchObject({
      from: { backend: backend.name },
      to: { backend: 'sqlite', where: target },
      counts: { memories: 3, decisions: 1 },
    });
    const exported = await run(['--json', 'export', '-'], {
      env: { ATHENA_DB_TYPE: 'sqlite', ATHENA_SQLITE_PATH: target },
    });
    expect(exported.stderr).toContain(report.checksum);
    const twice = await run(['copy', '--to', target]);
    expect(twice.code).toBe(EXIT.validation);
    oneLine(twice, /the target already has project\(s\) ledgerly/);
    const schemaless = await run(['copy', '--to', join(root, 'x.db'), '--to-schema', 'public']);
    expect(schemaless.code).toBe(EXIT.validation);
    oneLine(schemaless, /only a PostgreSQL --to has a schema/);
    const mixed = await run([
      '--project',
      'ledgerly',
      'copy',
      '--from',
      target,
      '--to',
      join(root, 'y.db'),
    ]);
    expect(mixed.code).toBe(EXIT.validation);
    oneLine(mixed, /with --from, copy moves every project/);
    const untargeted = await run(['copy']);
    expect(untargeted.code).toBe(EXIT.usage);
    oneLine(untargeted, /required option '--to <database>' not specified/);
  });

  it('errors are one line without --debug, a stack trace with it', async () => {
    const plain = await run(['show', '999999']);
    expect(plain.stderr).not.toMatch(/\n\s+at /);
    const debug = await run(['--debug', 'show', '999999']);
    expect(debug.code).toBe(EXIT.notFound);
    expect(debug.stderr).toMatch(/NotFoundError: memory 999999 not found\n\s+at /);
  });

  it('code index, impact and search: the code graph of a small TypeScript project', async () => {
    const codeEnv = { ...backend.database('code'), ATHENA_EMBEDDING_DIM: '32' };
    const app = join(root, 'invoices');
    writeCodeFixture(app);
    const code = (args: string[]) => run(args, { cwd: app, env: codeEnv });
    await code(['init']);
    const indexed = await code(['--json', 'code', 'index']);
    expect(indexed.code).toBe(EXIT.ok);
    expect(indexed.json()).toMatchObject({
      root: app,
      files: { scanned: 3, indexed: 3, removed: 0 },
      entities: { created: 6 },
      problems: [],
    });
    const again = await code(['code', 'index']);
    expect(again.stdout).toMatch(/files\s+3 scanned, 0 indexed, 3 unchanged/);

    const impact = await code(['--json', 'code', 'impact', 'query', '--types', 'function']);
    const { impacted } = impact.json<{
      impacted: { depth: number; entity: { qualifiedName: string }; path: number[] }[];
    }>();
    expect(impacted.map((i) => [i.depth, i.entity.qualifiedName, i.path.length])).toEqual([
      [1, 'findUser', 2],
      [2, 'handler', 3],
    ]);
    const table = await code(['code', 'impact', 'src/db.ts', '--unbounded']);
    expect(table.stdout).toMatch(/1 +\d+ +src\/users\.ts:1 module src\/users/);
    expect(table.stdout).toMatch(/2 +\d+ +src\/api\.ts:1 module src\/api/);
    expect((await code(['code', 'impact', 'handler'])).stdout).toBe(
      'Nothing depends on handler.\n',
    );

    const search = await code([
      '--json',
      'code',
      'search',
      'customer',
      'lookup',
      '--types',
      'function',
    ]);
    expect(
      search.json<{ hits: { entity: { name: string } }[] }>().hits.map((h) => h.entity.name)[0],
    ).toBe('findUser');

    const unknown = await code(['code', 'impact', 'nowhere']);
    expect(unknown.code).toBe(EXIT.notFound);
    oneLine(unknown, /code entity nowhere not found/);
    const badKind = await code(['code', 'impact', 'query', '--kinds', 'inherits']);
    expect(badKind.code).toBe(EXIT.usage);
    oneLine(badKind, /must be a comma-separated list of imports, calls/);
    const badDepth = await code(['code', 'impact', 'query', '--depth', '99']);
    expect(badDepth.code).toBe(EXIT.usage);

    // The analysis workers' heap limit comes from the environment; a bad one changes nothing.
    const heap = (value: string) =>
      run(['--json', 'code', 'index', '--force'], {
        cwd: app,
        env: { ...codeEnv, ATHENA_CODE_ANALYSIS_HEAP_MB: value },
      });
    const badHeap = await heap('12');
    expect(badHeap.code).toBe(EXIT.validation);
    oneLine(badHeap, /ATHENA_CODE_ANALYSIS_HEAP_MB.*must be an integer in 128–65536/);
    const roomy = await heap('2048');
    expect(roomy.code).toBe(EXIT.ok);
    expect(roomy.json()).toMatchObject({
      files: { scanned: 3, indexed: 3 },
      entities: { created: 0, unchanged: 6 },
    });
  });

  it('consolidate runs one pass and prints its record; --watch repeats until SIGTERM', async () => {
    const first = await run(['--json', 'consolidate', '--worker', 'cli-test']);
    expect(first.code).toBe(EXIT.ok);
    const record = first.json<{
      workerId: string;
      claimed: number;
      episodes: number;
      errors: number;
    }>();
    expect(record).toMatchObject({ workerId: 'cli-test', errors: 0 });
    expect(record.claimed).toBeGreaterThanOrEqual(3);
    expect(record.episodes).toBeGreaterThan(0);
    const stats = (await run(['--json', 'stats'])).json<{
      memoriesByState: Record<string, number>;
      counts: Record<string, number>;
    }>();
    expect(stats.memoriesByState['unconsolidated']).toBe(0);
    expect(stats.counts['consolidationRuns']).toBe(1);
    const again = await run(['consolidate']);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stdout).toMatch(/claimed\s+0/);
    const bad = await run(['consolidate', '--batch-size', '0']);
    expect(bad.code).toBe(EXIT.usage);
    oneLine(bad, /--batch-size/);

    const watcher = spawn(
      process.execPath,
      [MAIN, '--json', 'consolidate', '--watch', '--interval', '50'],
      {
        cwd,
        env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '', ...env },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    const twoPasses = new Promise<void>((resolve) => {
      watcher.stdout.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        if (out.split('\n').filter((line) => line.startsWith('{')).length >= 2) resolve();
      });
    });
    const exited = new Promise<number | null>((resolve) => watcher.on('exit', resolve));
    await twoPasses;
    watcher.kill('SIGTERM');
    expect(await exited).toBe(EXIT.ok);
    const lines = out
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { claimed: number; errors: number });
    expect(lines.every((line) => line.claimed === 0 && line.errors === 0)).toBe(true);
  });
}

/** Three TypeScript files: api → users → db, each calling the next. */
export function writeCodeFixture(dir: string): void {
  mkdirSync(join(dir, 'src'), { recursive: true });
  writeFileSync(
    join(dir, 'tsconfig.json'),
    JSON.stringify({
      compilerOptions: { strict: true, module: 'ESNext', moduleResolution: 'Bundler' },
    }),
  );
  writeFileSync(
    join(dir, 'src', 'db.ts'),
    '/** Runs one SQL statement against the invoice database. */\n' +
      'export function query(sql: string): string {\n  return sql;\n}\n',
  );
  writeFileSync(
    join(dir, 'src', 'users.ts'),
    "import { query } from './db';\n\n/** Looks a customer up by id. */\n" +
      'export function findUser(id: number): string {\n  return query(`select ${id}`);\n}\n',
  );
  writeFileSync(
    join(dir, 'src', 'api.ts'),
    "import { findUser } from './users';\n\n" +
      'export function handler(): string {\n  return findUser(1);\n}\n',
  );
}
