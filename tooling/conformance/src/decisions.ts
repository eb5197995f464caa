import { InvalidTransitionError, NotFoundError, ValidationError } from '@athena/core-types';
import type { ScenarioType } from '@athena/core-types';
import { expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { ids } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/** decisions: create, validate, reject, supersede, scenarios. */
export function decisionTests(ctx: SuiteContext): void {
  it('create() applies defaults; get() returns the same decision', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const decision = await store.decisions.create(project.id, { title: 'use pnpm' });
    expect(decision).toMatchObject({
      projectId: project.id,
      title: 'use pnpm',
      rationale: null,
      alternatives: [],
      status: 'proposed',
      confidence: 0.5,
      validatedAt: null,
      validationNotes: null,
      supersededBy: null,
    });
    const full = await store.decisions.create(project.id, {
      title: 'use postgres',
      rationale: 'concurrency',
      alternatives: ['sqlite', 'duckdb'],
      confidence: 0.8,
    });
    expect(full).toMatchObject({
      rationale: 'concurrency',
      alternatives: ['sqlite', 'duckdb'],
      confidence: 0.8,
    });
    expect(await store.decisions.get(project.id, full.id)).toEqual(full);
    expect(await store.decisions.get(project.id, full.id + 10_000)).toBeNull();
    await expectAthenaError(
      () => store.decisions.create(project.id, { title: '' }),
      ValidationError,
      'validation',
    );
  });

  it('validate() moves proposed → validated with notes and time; a second validate is refused', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const decision = await store.decisions.create(project.id, { title: 'd' });
    const before = Date.now();
    const validated = await store.decisions.validate(project.id, decision.id, 'benchmarks agree');
    expect(validated.status).toBe('validated');
    expect(validated.validationNotes).toBe('benchmarks agree');
    expect(Math.abs((validated.validatedAt?.getTime() ?? 0) - before)).toBeLessThan(60_000);
    await expectAthenaError(
      () => store.decisions.validate(project.id, decision.id),
      InvalidTransitionError,
      'invalid_transition',
    );
    await expectAthenaError(
      () => store.decisions.reject(project.id, decision.id),
      InvalidTransitionError,
      'invalid_transition',
    );
    expect(await store.decisions.get(project.id, decision.id)).toEqual(validated);
  });

  it('reject() moves proposed → rejected; a rejected decision cannot be validated or superseded', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const decision = await store.decisions.create(project.id, { title: 'd' });
    const rejected = await store.decisions.reject(project.id, decision.id, 'too slow');
    expect(rejected.status).toBe('rejected');
    expect(rejected.validationNotes).toBe('too slow');
    await expectAthenaError(
      () => store.decisions.validate(project.id, decision.id),
      InvalidTransitionError,
      'invalid_transition',
    );
    await expectAthenaError(
      () => store.decisions.supersede(project.id, decision.id, { title: 'replacement' }),
      InvalidTransitionError,
      'invalid_transition',
    );
    expect(ids(await store.decisions.list(project.id))).toEqual([decision.id]);
    expect(await store.decisions.get(project.id, decision.id)).toEqual(rejected);
  });

  it('supersede() creates the replacement and marks the previous decision superseded by it', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const proposed = await store.decisions.create(project.id, { title: 'v1' });
    const { previous, replacement } = await store.decisions.supersede(project.id, proposed.id, {
      title: 'v2',
      rationale: 'better',
    });
    expect(previous.id).toBe(proposed.id);
    expect(previous.status).toBe('superseded');
    expect(previous.supersededBy).toBe(replacement.id);
    expect(replacement).toMatchObject({
      title: 'v2',
      rationale: 'better',
      status: 'proposed',
      projectId: project.id,
    });
    expect(await store.decisions.get(project.id, proposed.id)).toEqual(previous);
    expect(await store.decisions.get(project.id, replacement.id)).toEqual(replacement);
    const validated = await store.decisions.validate(project.id, replacement.id);
    const next = await store.decisions.supersede(project.id, validated.id, { title: 'v3' });
    expect(next.previous.status).toBe('superseded');
    expect(next.previous.supersededBy).toBe(next.replacement.id);
  });

  it('supersede() of a superseded decision, an unknown one, or with an invalid replacement changes nothing', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const d = await store.decisions.create(project.id, { title: 'v1' });
    await store.decisions.supersede(project.id, d.id, { title: 'v2' });
    const before = ids(await store.decisions.list(project.id));
    await expectAthenaError(
      () => store.decisions.supersede(project.id, d.id, { title: 'v3' }),
      InvalidTransitionError,
      'invalid_transition',
    );
    await expectAthenaError(
      () => store.decisions.supersede(project.id, d.id + 10_000, { title: 'v3' }),
      NotFoundError,
      'not_found',
    );
    expect(ids(await store.decisions.list(project.id))).toEqual(before);
    const open = await store.decisions.create(project.id, { title: 'open' });
    await expectAthenaError(
      () => store.decisions.supersede(project.id, open.id, { title: '' }),
      ValidationError,
      'validation',
    );
    expect(await store.decisions.get(project.id, open.id)).toEqual(open);
    expect(ids(await store.decisions.list(project.id))).toEqual([...before, open.id]);
  });

  it('list() filters by status, ordered by id; unknown ids are NotFoundError for changes', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const a = await store.decisions.create(project.id, { title: 'a' });
    const b = await store.decisions.create(project.id, { title: 'b' });
    const c = await store.decisions.create(project.id, { title: 'c' });
    await store.decisions.validate(project.id, b.id);
    await store.decisions.reject(project.id, c.id);
    expect(ids(await store.decisions.list(project.id))).toEqual([a.id, b.id, c.id]);
    expect(
      ids(await store.decisions.list(project.id, { statuses: ['proposed', 'rejected'] })),
    ).toEqual([a.id, c.id]);
    expect(ids(await store.decisions.list(project.id, { statuses: ['validated'] }))).toEqual([
      b.id,
    ]);
    await expectAthenaError(
      () => store.decisions.validate(project.id, c.id + 10_000),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () => store.decisions.reject(project.id, c.id + 10_000),
      NotFoundError,
      'not_found',
    );
  });

  it('scenarios: addScenario() and listScenarios() by id; unknown decision is NotFoundError', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const decision = await store.decisions.create(project.id, { title: 'd' });
    const other = await store.decisions.create(project.id, { title: 'other' });
    const likely = await store.decisions.addScenario(project.id, decision.id, {
      scenarioType: 'likely',
      description: 'works',
    });
    expect(likely).toMatchObject({
      projectId: project.id,
      decisionId: decision.id,
      scenarioType: 'likely',
      description: 'works',
      probability: 0.5,
      impact: null,
    });
    const worst = await store.decisions.addScenario(project.id, decision.id, {
      scenarioType: 'worst_case',
      description: 'data loss',
      probability: 0.05,
      impact: 'severe',
    });
    await store.decisions.addScenario(project.id, other.id, {
      scenarioType: 'best_case',
      description: 'x',
    });
    expect(await store.decisions.listScenarios(project.id, decision.id)).toEqual([likely, worst]);
    await expectAthenaError(
      () =>
        store.decisions.addScenario(project.id, decision.id + 10_000, {
          scenarioType: 'likely',
          description: 'x',
        }),
      NotFoundError,
      'not_found',
    );
    await expectAthenaError(
      () =>
        store.decisions.addScenario(project.id, decision.id, {
          scenarioType: 'maybe' as ScenarioType,
          description: 'x',
        }),
      ValidationError,
      'validation',
    );
    expect(await store.decisions.listScenarios(project.id, decision.id)).toHaveLength(2);
  });
}
