import { InvalidTransitionError, NotFoundError } from '@athena/core-types';
import type { Decision, Scenario } from '@athena/core-types';
import type { DecisionBackend, ParsedArgument } from '@athena/store-kit';
import type { Connection } from '../connection.js';
import { mapError } from '../map-error.js';
import { toDecision, toScenario } from '../rows.js';
import type { DecisionRow, ScenarioRow } from '../rows.js';
import type { Session } from '../session.js';

type NewDecision = ParsedArgument<DecisionBackend, 'create', 1>;

function insertDecision(
  c: Connection,
  projectId: number,
  decision: NewDecision,
  now: number,
): DecisionRow {
  try {
    return c
      .statement<unknown[], DecisionRow>(
        `INSERT INTO planning_decisions (project_id, title, rationale, alternatives, status,
           confidence, created_at, updated_at)
         VALUES (?, ?, ?, ?, 'proposed', ?, ?, ?) RETURNING *`,
      )
      .get(
        projectId,
        decision.title,
        decision.rationale,
        JSON.stringify(decision.alternatives),
        decision.confidence,
        now,
        now,
      ) as DecisionRow;
  } catch (error) {
    throw mapError(error, { notFound: { entity: 'project', id: projectId } });
  }
}

function findDecision(c: Connection, projectId: number, id: number): DecisionRow {
  const row = c
    .statement<unknown[], DecisionRow>(
      'SELECT * FROM planning_decisions WHERE project_id = ? AND id = ?',
    )
    .get(projectId, id);
  if (row === undefined) throw new NotFoundError('decision', id);
  return row;
}

/** Planning decisions and scenarios on SQLite, behind the kit's validating front. */
export class SqliteDecisionRepository implements DecisionBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async create(project: number, decision: NewDecision): Promise<Decision> {
    return this.#session.run((c) => toDecision(insertDecision(c, project, decision, Date.now())));
  }

  async get(project: number, decisionId: number): Promise<Decision | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], DecisionRow>(
          'SELECT * FROM planning_decisions WHERE project_id = ? AND id = ?',
        )
        .get(project, decisionId);
      return row === undefined ? null : toDecision(row);
    });
  }

  async list(
    project: number,
    { statuses }: ParsedArgument<DecisionBackend, 'list', 1>,
  ): Promise<Decision[]> {
    const filter =
      statuses === undefined || statuses.length === 0
        ? ''
        : ' AND status IN (SELECT value FROM json_each(@statuses))';
    return this.#session.run((c) =>
      c
        .statement<[Record<string, unknown>], DecisionRow>(
          `SELECT * FROM planning_decisions WHERE project_id = @projectId${filter} ORDER BY id`,
        )
        .all({ projectId: project, statuses: JSON.stringify(statuses ?? []) })
        .map(toDecision),
    );
  }

  async validate(project: number, decisionId: number, notes: string | null): Promise<Decision> {
    return this.#conclude(project, decisionId, 'validated', notes);
  }

  async reject(project: number, decisionId: number, notes: string | null): Promise<Decision> {
    return this.#conclude(project, decisionId, 'rejected', notes);
  }

  async #conclude(
    project: number,
    decisionId: number,
    status: 'validated' | 'rejected',
    text: string | null,
  ): Promise<Decision> {
    return this.#session.run((c) =>
      c.atomic(() => {
        const current = findDecision(c, project, decisionId);
        if (current.status !== 'proposed') {
          throw new InvalidTransitionError(current.status, status, { details: { decisionId } });
        }
        const now = Date.now();
        const row = c
          .statement<unknown[], DecisionRow>(
            `UPDATE planning_decisions
             SET status = ?, validated_at = ?, validation_notes = ?, updated_at = ?
             WHERE id = ? RETURNING *`,
          )
          .get(status, status === 'validated' ? now : null, text, now, decisionId);
        return toDecision(row as DecisionRow);
      }),
    );
  }

  async supersede(
    project: number,
    decisionId: number,
    next: NewDecision,
  ): Promise<{ previous: Decision; replacement: Decision }> {
    return this.#session.run((c) =>
      c.atomic(() => {
        const current = findDecision(c, project, decisionId);
        if (current.status === 'superseded' || current.status === 'rejected') {
          throw new InvalidTransitionError(current.status, 'superseded', {
            details: { decisionId },
          });
        }
        const now = Date.now();
        const created = insertDecision(c, project, next, now);
        const previous = c
          .statement<unknown[], DecisionRow>(
            `UPDATE planning_decisions SET status = 'superseded', superseded_by = ?, updated_at = ?
             WHERE id = ? RETURNING *`,
          )
          .get(created.id, now, decisionId);
        return { previous: toDecision(previous as DecisionRow), replacement: toDecision(created) };
      }),
    );
  }

  async addScenario(
    project: number,
    id: number,
    scenario: ParsedArgument<DecisionBackend, 'addScenario', 2>,
  ): Promise<Scenario> {
    return this.#session.run((c) => {
      findDecision(c, project, id);
      const row = c
        .statement<unknown[], ScenarioRow>(
          `INSERT INTO planning_scenarios (project_id, decision_id, scenario_type, description,
             probability, impact, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(
          project,
          id,
          scenario.scenarioType,
          scenario.description,
          scenario.probability,
          scenario.impact,
          Date.now(),
        );
      return toScenario(row as ScenarioRow);
    });
  }

  async listScenarios(project: number, id: number): Promise<Scenario[]> {
    return this.#session.run((c) =>
      c
        .statement<unknown[], ScenarioRow>(
          'SELECT * FROM planning_scenarios WHERE project_id = ? AND decision_id = ? ORDER BY id',
        )
        .all(project, id)
        .map(toScenario),
    );
  }
}
