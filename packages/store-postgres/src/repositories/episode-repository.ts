import { decodeCursor, encodeCursor } from '@athena/core-types';
import type { EpisodicEvent, NewEpisode, Page } from '@athena/core-types';
import type { EpisodeBackend, ParsedArgument } from '@athena/store-kit';
import { sql } from 'kysely';
import { POSTGRES_MAX_BIND_PARAMETERS } from '../limits.js';
import { assertInProject } from './relationship-repository.js';
import { toEpisode, toNumber } from '../rows.js';
import type { Session } from '../session.js';

const INSERT_CHUNK = Math.floor(POSTGRES_MAX_BIND_PARAMETERS / 16 / 2);

function insertRow(projectId: number, event: NewEpisode) {
  return {
    project_id: projectId,
    session_id: event.sessionId,
    timestamp: event.timestamp,
    duration_ms: event.durationMs,
    event_type: event.eventType,
    content: event.content,
    outcome: event.outcome,
    context: JSON.stringify(event.context),
    files_changed: event.filesChanged,
    lines_added: event.linesAdded,
    lines_deleted: event.linesDeleted,
    learned: event.learned,
    surprise_score: event.surpriseScore,
    confidence: event.confidence,
  };
}

/** `episodic_events` on PostgreSQL, behind the kit's validating front. */
export class PostgresEpisodeRepository implements EpisodeBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Records one event.
   */
  async record(project: number, event: NewEpisode): Promise<EpisodicEvent> {
    return this.#session().write(
      { operation: 'record episode', notFound: { entity: 'project', id: project } },
      async (s) => {
        const row = await s.db
          .insertInto('episodic_events')
          .values(insertRow(project, event))
          .returningAll()
          .executeTakeFirstOrThrow();
        return toEpisode(row);
      },
    );
  }

  async recordMany(project: number, events: readonly NewEpisode[]): Promise<EpisodicEvent[]> {
    if (events.length === 0) return [];
    return this.#session().atomic(
      { operation: 'record episodes', notFound: { entity: 'project', id: project } },
      async (s) => {
        const out: EpisodicEvent[] = [];
        for (let start = 0; start < events.length; start += INSERT_CHUNK) {
          const rows = await s.db
            .insertInto('episodic_events')
            .values(
              events.slice(start, start + INSERT_CHUNK).map((event) => insertRow(project, event)),
            )
            .returningAll()
            .execute();
          out.push(...rows.map(toEpisode).sort((a, b) => a.id - b.id));
        }
        return out;
      },
    );
  }

  async get(project: number, eventId: number): Promise<EpisodicEvent | null> {
    return this.#session().read({ operation: 'get episode' }, async (s) => {
      const row = await s.db
        .selectFrom('episodic_events')
        .selectAll()
        .where('project_id', '=', project)
        .where('id', '=', eventId)
        .executeTakeFirst();
      return row === undefined ? null : toEpisode(row);
    });
  }

  /**
   * Chronological listing with keyset pagination on (timestamp, id).
   */
  async list(
    project: number,
    parsed: ParsedArgument<EpisodeBackend, 'list', 1>,
  ): Promise<Page<EpisodicEvent>> {
    const cursor = parsed.after === null ? null : decodeCursor(parsed.after, 2);
    return this.#session().read({ operation: 'list episodes' }, async (s) => {
      let query = s.db.selectFrom('episodic_events').selectAll().where('project_id', '=', project);
      if (parsed.sessionId !== undefined) query = query.where('session_id', '=', parsed.sessionId);
      if (parsed.from !== undefined) query = query.where('timestamp', '>=', parsed.from);
      if (parsed.to !== undefined) query = query.where('timestamp', '<', parsed.to);
      if (parsed.eventTypes !== undefined && parsed.eventTypes.length > 0) {
        query = query.where('event_type', 'in', parsed.eventTypes);
      }
      if (parsed.consolidationStatus !== undefined) {
        query = query.where('consolidation_status', '=', parsed.consolidationStatus);
      }
      if (parsed.consolidatedInto !== undefined) {
        query = query.where('consolidated_into', '=', parsed.consolidatedInto);
      }
      if (cursor !== null) {
        const [at = 0, id = 0] = cursor;
        query = query.where(sql<boolean>`(timestamp, id) > (${new Date(at)}, ${id})`);
      }
      const rows = await query
        .orderBy('timestamp')
        .orderBy('id')
        .limit(parsed.limit + 1)
        .execute();
      const items = rows.slice(0, parsed.limit).map(toEpisode);
      const last = items[items.length - 1];
      return {
        items,
        nextCursor:
          rows.length > parsed.limit && last
            ? encodeCursor([last.timestamp.getTime(), last.id])
            : null,
      };
    });
  }

  async markConsolidated(
    project: number,
    wanted: readonly number[],
    { at, into }: ParsedArgument<EpisodeBackend, 'markConsolidated', 2>,
  ): Promise<number> {
    if (wanted.length === 0) return 0;
    const update = (s: Session) =>
      s.db
        .updateTable('episodic_events')
        .set({ consolidation_status: 'consolidated', consolidated_at: at, consolidated_into: into })
        .where('project_id', '=', project)
        .where('consolidation_status', '=', 'unconsolidated')
        .where(sql<boolean>`id = any(${wanted}::bigint[])`)
        .executeTakeFirst();
    if (into === null) {
      return this.#session().write({ operation: 'mark episodes consolidated' }, async (s) =>
        toNumber((await update(s)).numUpdatedRows),
      );
    }
    return this.#session().atomic({ operation: 'mark episodes consolidated' }, async (s) => {
      await assertInProject(s, 'memory_vectors', 'memory', project, [into]);
      return toNumber((await update(s)).numUpdatedRows);
    });
  }
}
