import { InvalidTransitionError, NotFoundError } from '@athena/core-types';
import type { Decision, DecisionStatus, Scenario } from '@athena/core-types';
import type { DecisionBackend, ParsedArgument } from '@athena/store-kit';
import { assertInProject } from './relationship-repository.js';
import { toDecision, toScenario } from '../rows.js';
import type { Session } from '../session.js';

type NewDecision = ParsedArgument<DecisionBackend, 'create', 1>;

async function insertDecision(
  session: Session,
  projectId: number,
  decision: NewDecision,
): Promise<Decision> {
  const now = new Date();
  const row = await session.db
    .insertInto('planning_decisions')
    .values({
      project_id: projectId,
      title: decision.title,
      rationale: decision.rationale,
      alternatives: JSON.stringify(decision.alternatives),
      confidence: decision.confidence,
      created_at: now,
      updated_at: now,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
  return toDecision(row);
}

/** `planning_decisions` and `planning_scenarios` on PostgreSQL, behind the kit's validating front. */
export class PostgresDecisionRepository implements DecisionBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Records a proposed decision.
   */
  async create(project: number, decision: NewDecision): Promise<Decision> {
    return this.#session().write(
      { operation: 'create decision', notFound: { entity: 'project', id: project } },
      (s) => insertDecision(s, project, decision),
    );
  }

  async get(project: number, decisionId: number): Promise<Decision | null> {
    return this.#session().read({ operation: 'get decision' }, async (s) => {
      const row = await s.db
        .selectFrom('planning_decisions')
        .selectAll()
        .where('project_id', '=', project)
        .where('id', '=', decisionId)
        .executeTakeFirst();
      return row === undefined ? null : toDecision(row);
    });
  }

  async list(
    project: number,
    { statuses }: ParsedArgument<DecisionBackend, 'list', 1>,
  ): Promise<Decision[]> {
    return this.#session().read({ operation: 'list decisions' }, async (s) => {
      let query = s.db
        .selectFrom('planning_decisions')
        .selectAll()
        .where('project_id', '=', project);
      if (statuses !== undefined && statuses.length > 0)
        query = query.where('status', 'in', statuses);
      const rows = await query.orderBy('id').execute();
      return rows.map(toDecision);
    });
  }

  async validate(project: number, decisionId: number, notes: string | null): Promise<Decision> {
    return this.#settle(project, decisionId, 'validated', notes);
  }

  async reject(project: number, decisionId: number, notes: string | null): Promise<Decision> {
    return this.#settle(project, decisionId, 'rejected', notes);
  }

  /** `proposed → validated | rejected`, checked and applied under a row lock. */
  async #settle(
    project: number,
    decisionId: number,
    to: 'validated' | 'rejected',
    text: string | null,
  ): Promise<Decision> {
    return this.#session().atomic(
      { operation: `${to === 'validated' ? 'validate' : 'reject'} decision` },
      async (s) => {
        const current = await this.#lock(s, project, decisionId);
        if (current.status !== 'proposed')
          throw new InvalidTransitionError(current.status, to, { details: { decisionId } });
        const now = new Date();
        const row = await s.db
          .updateTable('planning_decisions')
          .set({
            status: to,
            validation_notes: text,
            ...(to === 'validated' ? { validated_at: now } : {}),
            updated_at: now,
          })
          .where('id', '=', decisionId)
          .returningAll()
          .executeTakeFirstOrThrow();
        return toDecision(row);
      },
    );
  }

  async #lock(s: Session, projectId: number, id: number): Promise<{ status: DecisionStatus }> {
    const row = await s.db
      .selectFrom('planning_decisions')
      .select('status')
      .where('project_id', '=', projectId)
      .where('id', '=', id)
      .forUpdate()
      .executeTakeFirst();
    if (row === undefined) throw new NotFoundError('decision', id, { details: { projectId } });
    return { status: row.status as DecisionStatus };
  }

  /**
   * Creates the replacement and marks decision `id` superseded by it, atomically.
   */
  async supersede(
    project: number,
    decisionId: number,
    next: NewDecision,
  ): Promise<{ previous: Decision; replacement: Decision }> {
    return this.#session().atomic({ operation: 'supersede decision' }, async (s) => {
      const current = await this.#lock(s, project, decisionId);
      if (current.status === 'superseded' || current.status === 'rejected') {
        throw new InvalidTransitionError(current.status, 'superseded', { details: { decisionId } });
      }
      const created = await insertDecision(s, project, next);
      const row = await s.db
        .updateTable('planning_decisions')
        .set({ status: 'superseded', superseded_by: created.id, updated_at: new Date() })
        .where('id', '=', decisionId)
        .returningAll()
        .executeTakeFirstOrThrow();
      return { previous: toDecision(row), replacement: created };
    });
  }

  async addScenario(
    project: number,
    decision: number,
    scenario: ParsedArgument<DecisionBackend, 'addScenario', 2>,
  ): Promise<Scenario> {
    return this.#session().write(
      { operation: 'add scenario', notFound: { entity: 'decision', id: decision } },
      async (s) => {
        await assertInProject(s, 'planning_decisions', 'decision', project, [decision]);
        const row = await s.db
          .insertInto('planning_scenarios')
          .values({
            project_id: project,
            decision_id: decision,
            scenario_type: scenario.scenarioType,
            description: scenario.description,
            probability: scenario.probability,
            impact: scenario.impact,
          })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toScenario(row);
      },
    );
  }

  async listScenarios(project: number, decision: number): Promise<Scenario[]> {
    return this.#session().read({ operation: 'list scenarios' }, async (s) => {
      const rows = await s.db
        .selectFrom('planning_scenarios')
        .selectAll()
        .where('project_id', '=', project)
        .where('decision_id', '=', decision)
        .orderBy('id')
        .execute();
      return rows.map(toScenario);
    });
  }
}
