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
  readonly project: (row: object) => Project;
  readonly memory: (row: object) => Memory;
  /** A memory row selected without its embedding. */
  readonly memoryWithoutEmbedding: (row: object) => MemoryWithoutEmbedding;
  readonly relationship: (row: object) => Relationship;
  readonly transition: (row: object) => TransitionLogEntry;
  readonly episode: (row: object) => EpisodicEvent;
  readonly goal: (row: object) => Goal;
  readonly task: (row: object) => Task;
  readonly codeEntity: (row: object) => CodeEntity;
  readonly codeDependency: (row: object) => CodeDependency;
  readonly unresolvedDependency: (row: object) => UnresolvedDependency;
  readonly unresolvedReference: (row: object) => UnresolvedReference;
  readonly decision: (row: object) => Decision;
  readonly scenario: (row: object) => Scenario;
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
