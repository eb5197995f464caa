/**
 * Row → domain mapping. `bigint` columns arrive as strings and become
 * numbers (ids stay far below 2^53); `vector` is selected through
 * `vector_send` (see `memoryColumns`), arrives as a `bytea` Buffer and
 * becomes a `Float32Array`.
 */
import { AS_IS, EPISODE_BUT_CONTEXT, IDENTITY, describe, domainReaders } from '@athena/store-kit';
import type { Codecs, ReaderOf } from '@athena/store-kit';
import type { EpisodicEvent } from '@athena/core-types';
import type { Selectable } from 'kysely';
import type {
  CodeDependenciesTable,
  CodeMetadataTable,
  CodeUnresolvedDependenciesTable,
  CodeUnresolvedReferencesTable,
  ConsolidationLogTable,
  ConsolidationRunsTable,
  EpisodicEventsTable,
  MemoryRelationshipsTable,
  MemoryVectorsTable,
  PlanningDecisionsTable,
  PlanningScenariosTable,
  ProjectsTable,
  ProspectiveGoalsTable,
  ProspectiveTasksTable,
} from './schema.js';
import type { Session } from './session.js';

/** A `bigint` as a JS number. */
export function toNumber(value: unknown): number {
  return typeof value === 'number' ? value : Number(value);
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

/** A vector in pgvector's binary form as 32-bit floats. */
export function toVector(value: Buffer): Float32Array {
  // pgvector's binary form (`vector_send`): int16 dimension, int16 unused, big-endian float4s.
  // Decoding it is ~10× cheaper than parsing the decimal text form, and the server skips
  // formatting 768 floats as text (get by id: 0.27 → 0.17 ms at 768 dimensions).
  const view = new DataView(value.buffer, value.byteOffset, value.byteLength);
  const dimension = view.getUint16(0);
  const vector = new Float32Array(dimension);
  for (let i = 0; i < dimension; i++) vector[i] = view.getFloat32(4 + 4 * i);
  return vector;
}

/**
 * Serialises a vector for a bound parameter in pgvector's binary format
 * (`vector_recv`: int16 dimension, int16 0, big-endian float4 values). pg
 * sends a Buffer as a binary parameter, so neither side formats or parses
 * decimal text, and the server stores the very same 32-bit floats.
 */
export function fromVector(vector: Float32Array): Buffer {
  const buffer = Buffer.allocUnsafe(4 + 4 * vector.length);
  buffer.writeUInt16BE(vector.length, 0);
  buffer.writeUInt16BE(0, 2);
  for (let i = 0; i < vector.length; i++) buffer.writeFloatBE(vector[i] as number, 4 + 4 * i);
  return buffer;
}

/**
 * How PostgreSQL stores each kind of value: `bigint` ids (read as strings),
 * `timestamptz` instants (bound as `Date`), `text[]` lists, `jsonb` (bound
 * as text), vectors bound as `vector_recv` binary and read through
 * `vector_send` (see `memoryColumns`).
 */
export const POSTGRES_CODECS: Codecs<Session> = Object.freeze({
  key: { read: toNumber, write: IDENTITY.write },
  ref: { read: toNumber, write: IDENTITY.write },
  nullableRef: {
    read: (value: unknown) => (value === null || value === undefined ? null : toNumber(value)),
    write: IDENTITY.write,
  },
  ...AS_IS,
  instant: { read: toDate, write: IDENTITY.write },
  nullableInstant: {
    read: (value: unknown) => (value === null || value === undefined ? null : toDate(value)),
    write: IDENTITY.write,
  },
  textList: { read: IDENTITY.read, write: (value: unknown) => [...(value as readonly string[])] },
  json: {
    // A jsonb value may arrive parsed or as text.
    read: (value: unknown) => (typeof value === 'string' ? JSON.parse(value) : value) as unknown,
    write: (value: unknown) => JSON.stringify(value),
  },
  vector: {
    read: (value: unknown) => toVector(value as Buffer),
    write: (value: unknown, session: Session) => session.vector(value as Float32Array),
  },
  nullableBoolean: IDENTITY,
});

/** An episode on PostgreSQL: its context is one `jsonb` column. */
export const POSTGRES_EPISODE = describe<EpisodicEvent>()({
  ...EPISODE_BUT_CONTEXT,
  context: ['context', 'json'],
});

/** A memory row as selected by `memoryColumns`: no `tsv`, the embedding in binary form. */
export type MemoryRow = Omit<Selectable<MemoryVectorsTable>, 'tsv' | 'embedding'> & {
  embedding: Buffer;
};

/** A memory row selected without its vector (`memoryColumns(…, { withEmbedding: false })`). */
export type MemoryRowWithoutEmbedding = Omit<MemoryRow, 'embedding'>;

/** Every row mapper, derived from the descriptors with {@link POSTGRES_CODECS}. */
export const READ = domainReaders(POSTGRES_CODECS, POSTGRES_EPISODE);

export const toProject: ReaderOf<Selectable<ProjectsTable>, 'project'> = READ.project;
export const toMemory: ReaderOf<MemoryRow, 'memory'> = READ.memory;
export const toMemoryWithoutEmbedding: ReaderOf<
  MemoryRowWithoutEmbedding,
  'memoryWithoutEmbedding'
> = READ.memoryWithoutEmbedding;
export const toRelationship: ReaderOf<
  Selectable<MemoryRelationshipsTable>,
  'relationship'
> = READ.relationship;
export const toTransition: ReaderOf<
  Selectable<ConsolidationLogTable>,
  'transition'
> = READ.transition;
export const toEpisode: ReaderOf<Selectable<EpisodicEventsTable>, 'episode'> = READ.episode;
export const toGoal: ReaderOf<Selectable<ProspectiveGoalsTable>, 'goal'> = READ.goal;
export const toTask: ReaderOf<Selectable<ProspectiveTasksTable>, 'task'> = READ.task;
export const toCodeEntity: ReaderOf<Selectable<CodeMetadataTable>, 'codeEntity'> = READ.codeEntity;
export const toCodeDependency: ReaderOf<
  Selectable<CodeDependenciesTable>,
  'codeDependency'
> = READ.codeDependency;
export const toUnresolvedDependency: ReaderOf<
  Selectable<CodeUnresolvedDependenciesTable>,
  'unresolvedDependency'
> = READ.unresolvedDependency;
export const toUnresolvedReference: ReaderOf<
  Selectable<CodeUnresolvedReferencesTable>,
  'unresolvedReference'
> = READ.unresolvedReference;
export const toDecision: ReaderOf<Selectable<PlanningDecisionsTable>, 'decision'> = READ.decision;
export const toScenario: ReaderOf<Selectable<PlanningScenariosTable>, 'scenario'> = READ.scenario;
export const toRun: ReaderOf<Selectable<ConsolidationRunsTable>, 'run'> = READ.run;
