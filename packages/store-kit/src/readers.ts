/** Every domain object's row mapper for one backend, derived from the descriptors. */
import type {
  CodeDependency,
  CodeEntity,
  ConsolidationRun,
  Decision,
  EpisodicEvent,
  Goal,
  Memory,
  MemoryWithoutEmbedding,
  Project,
  Relationship,
  Scenario,
  Task,
  TransitionLogEntry,
  UnresolvedDependency,
  UnresolvedReference,
} from '@athena/core-types';
import {
  CODE_DEPENDENCY,
  CODE_ENTITY,
  CONSOLIDATION_RUN,
  DECISION,
  GOAL,
  MEMORY,
  PROJECT,
  RELATIONSHIP,
  SCENARIO,
  TASK,
  TRANSITION,
  UNRESOLVED_DEPENDENCY,
  UNRESOLVED_REFERENCE,
} from './descriptors.js';
import { rowReader } from './table.js';
import type { Codecs, TableDescriptor } from './table.js';

/** A backend's row → domain mappers; a row is what its driver returns for the table's columns. */
export interface DomainReaders {
  /** A `projects` row as a `Project`. */
  readonly project: (row: object) => Project;
  /** A `memory_vectors` row, embedding included, as a `Memory`. */
  readonly memory: (row: object) => Memory;
  /** A memory row selected without its embedding. */
  readonly memoryWithoutEmbedding: (row: object) => MemoryWithoutEmbedding;
  /** A `memory_relationships` row as a `Relationship`. */
  readonly relationship: (row: object) => Relationship;
  /** A `consolidation_log` row as a `TransitionLogEntry`. */
  readonly transition: (row: object) => TransitionLogEntry;
  /** An `episodic_events` row as an `EpisodicEvent`. */
  readonly episode: (row: object) => EpisodicEvent;
  /** A `prospective_goals` row as a `Goal`. */
  readonly goal: (row: object) => Goal;
  /** A `prospective_tasks` row as a `Task`. */
  readonly task: (row: object) => Task;
  /** A `code_metadata` row as a `CodeEntity`. */
  readonly codeEntity: (row: object) => CodeEntity;
  /** A `code_dependencies` row as a `CodeDependency`. */
  readonly codeDependency: (row: object) => CodeDependency;
  /** A `code_unresolved_dependencies` row as an `UnresolvedDependency`. */
  readonly unresolvedDependency: (row: object) => UnresolvedDependency;
  /** A `code_unresolved_references` row as an `UnresolvedReference`. */
  readonly unresolvedReference: (row: object) => UnresolvedReference;
  /** A `planning_decisions` row as a `Decision`. */
  readonly decision: (row: object) => Decision;
  /** A `planning_scenarios` row as a `Scenario`. */
  readonly scenario: (row: object) => Scenario;
  /** A `consolidation_runs` row as a `ConsolidationRun`. */
  readonly run: (row: object) => ConsolidationRun;
}

/** The mapper `K` of {@link DomainReaders} typed for a backend's row type `Row`. */
export type ReaderOf<Row, K extends keyof DomainReaders> = (
  row: Row,
) => ReturnType<DomainReaders[K]>;

/** Every row mapper with `codecs`; `episode` is the backend's descriptor of an episode. */
export function domainReaders(
  codecs: Codecs<never>,
  episode: TableDescriptor<EpisodicEvent>,
): DomainReaders {
  return Object.freeze({
    project: rowReader(PROJECT, codecs),
    memory: rowReader(MEMORY, codecs),
    memoryWithoutEmbedding: rowReader(MEMORY, codecs, ['embedding']),
    relationship: rowReader(RELATIONSHIP, codecs),
    transition: rowReader(TRANSITION, codecs),
    episode: rowReader(episode, codecs),
    goal: rowReader(GOAL, codecs),
    task: rowReader(TASK, codecs),
    codeEntity: rowReader(CODE_ENTITY, codecs),
    codeDependency: rowReader(CODE_DEPENDENCY, codecs),
    unresolvedDependency: rowReader(UNRESOLVED_DEPENDENCY, codecs),
    unresolvedReference: rowReader(UNRESOLVED_REFERENCE, codecs),
    decision: rowReader(DECISION, codecs),
    scenario: rowReader(SCENARIO, codecs),
    run: rowReader(CONSOLIDATION_RUN, codecs),
  });
}
