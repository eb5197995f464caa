/** Life cycle of a planning decision. */
export type DecisionStatus = 'proposed' | 'validated' | 'rejected' | 'superseded';

/** Every {@link DecisionStatus}. */
export const DECISION_STATUSES: readonly DecisionStatus[] = Object.freeze([
  'proposed',
  'validated',
  'rejected',
  'superseded',
]);

/** A decision taken while planning (`planning_decisions`). */
export interface Decision {
  readonly id: number;
  readonly projectId: number;
  readonly title: string;
  readonly rationale: string | null;
  readonly alternatives: readonly string[];
  readonly status: DecisionStatus;
  /** In [0, 1]. */
  readonly confidence: number;
  readonly validatedAt: Date | null;
  readonly validationNotes: string | null;
  /** The decision that replaced this one, when `superseded`. */
  readonly supersededBy: number | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/** Input of `decisions.create()` and of the replacement in `decisions.supersede()`. */
export interface CreateDecisionInput {
  readonly title: string;
  readonly rationale?: string | null;
  readonly alternatives?: readonly string[];
  /** Default 0.5. */
  readonly confidence?: number;
}

/** The kind of future a scenario explores. */
export type ScenarioType = 'best_case' | 'worst_case' | 'likely' | 'edge_case';

/** Every {@link ScenarioType}. */
export const SCENARIO_TYPES: readonly ScenarioType[] = Object.freeze([
  'best_case',
  'worst_case',
  'likely',
  'edge_case',
]);

/** A possible outcome of a decision (`planning_scenarios`). */
export interface Scenario {
  readonly id: number;
  readonly projectId: number;
  readonly decisionId: number;
  readonly scenarioType: ScenarioType;
  readonly description: string;
  /** In [0, 1]. */
  readonly probability: number;
  readonly impact: string | null;
  readonly createdAt: Date;
}

/** Input of `decisions.addScenario()`. */
export interface AddScenarioInput {
  readonly scenarioType: ScenarioType;
  readonly description: string;
  /** Default 0.5. */
  readonly probability?: number;
  readonly impact?: string | null;
}
