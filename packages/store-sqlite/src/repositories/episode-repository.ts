import { decodeCursor, encodeCursor, NotFoundError } from '@athena/core-types';
import type { EpisodicEvent, NewEpisode, Page } from '@athena/core-types';
import type { EpisodeBackend, ParsedArgument } from '@athena/store-kit';
import type { Connection } from '../connection.js';
import { mapError } from '../map-error.js';
import { toEpisode } from '../rows.js';
import type { EpisodeRow } from '../rows.js';
import type { Session } from '../session.js';
import { findMemory } from './memory-repository.js';

const INSERT_EPISODE = `
INSERT INTO episodic_events (
  project_id, session_id, timestamp, duration_ms, event_type, content, outcome,
  context_cwd, context_files, context_task, context_phase, context_branch,
  files_changed, lines_added, lines_deleted, learned, surprise_score, confidence, created_at
) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
RETURNING *`;

function insertEpisode(
  c: Connection,
  projectId: number,
  event: NewEpisode,
  now: number,
): EpisodicEvent {
  const row = c
    .statement<unknown[], EpisodeRow>(INSERT_EPISODE)
    .get(
      projectId,
      event.sessionId,
      event.timestamp.getTime(),
      event.durationMs,
      event.eventType,
      event.content,
      event.outcome,
      event.context.cwd,
      JSON.stringify(event.context.files),
      event.context.task,
      event.context.phase,
      event.context.branch,
      event.filesChanged,
      event.linesAdded,
      event.linesDeleted,
      event.learned,
      event.surpriseScore,
      event.confidence,
      now,
    );
  return toEpisode(row as EpisodeRow);
}

/** Episodic events (`episodic_events`) on SQLite, behind the kit's validating front. */
export class SqliteEpisodeRepository implements EpisodeBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async record(project: number, event: NewEpisode): Promise<EpisodicEvent> {
    return this.#session.run((c) => {
      try {
        return insertEpisode(c, project, event, Date.now());
      } catch (error) {
        throw mapError(error, { notFound: { entity: 'project', id: project } });
      }
    });
  }

  async recordMany(project: number, events: readonly NewEpisode[]): Promise<EpisodicEvent[]> {
    if (events.length === 0) return [];
    return this.#session.run((c) => {
      const now = Date.now();
      try {
        return c.atomic(() => events.map((event) => insertEpisode(c, project, event, now)));
      } catch (error) {
        throw mapError(error, { notFound: { entity: 'project', id: project } });
      }
    });
  }

  async get(project: number, eventId: number): Promise<EpisodicEvent | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], EpisodeRow>(
          'SELECT * FROM episodic_events WHERE project_id = ? AND id = ?',
        )
        .get(project, eventId);
      return row === undefined ? null : toEpisode(row);
    });
  }

  /**
   * Chronological, keyset-paginated on (timestamp, id).
   */
  async list(
    project: number,
    parsed: ParsedArgument<EpisodeBackend, 'list', 1>,
  ): Promise<Page<EpisodicEvent>> {
    const conditions: string[] = ['project_id = @projectId'];
    const params: Record<string, unknown> = { projectId: project, limit: parsed.limit + 1 };
    if (parsed.after !== null) {
      const [timestamp, id] = decodeCursor(parsed.after, 2);
      conditions.push('(timestamp > @afterTs OR (timestamp = @afterTs AND id > @afterId))');
      params['afterTs'] = timestamp;
      params['afterId'] = id;
    }
    if (parsed.sessionId !== undefined) {
      conditions.push('session_id = @sessionId');
      params['sessionId'] = parsed.sessionId;
    }
    if (parsed.from !== undefined) {
      conditions.push('timestamp >= @from');
      params['from'] = parsed.from.getTime();
    }
    if (parsed.to !== undefined) {
      conditions.push('timestamp < @to');
      params['to'] = parsed.to.getTime();
    }
    if (parsed.eventTypes !== undefined && parsed.eventTypes.length > 0) {
      conditions.push('event_type IN (SELECT value FROM json_each(@eventTypes))');
      params['eventTypes'] = JSON.stringify(parsed.eventTypes);
    }
    if (parsed.consolidationStatus !== undefined) {
      conditions.push('consolidation_status = @status');
      params['status'] = parsed.consolidationStatus;
    }
    if (parsed.consolidatedInto !== undefined) {
      conditions.push('consolidated_into = @into');
      params['into'] = parsed.consolidatedInto;
    }
    return this.#session.run((c) => {
      const rows = c
        .statement<[Record<string, unknown>], EpisodeRow>(
          `SELECT * FROM episodic_events WHERE ${conditions.join(' AND ')}
           ORDER BY timestamp, id LIMIT @limit`,
        )
        .all(params);
      const items = rows.slice(0, parsed.limit).map(toEpisode);
      const last = items.at(-1);
      const nextCursor =
        rows.length > parsed.limit && last !== undefined
          ? encodeCursor([last.timestamp.getTime(), last.id])
          : null;
      return { items, nextCursor };
    });
  }

  /** Marks unconsolidated events consolidated; already consolidated ones are not counted. */
  async markConsolidated(
    project: number,
    wanted: readonly number[],
    { at, into }: ParsedArgument<EpisodeBackend, 'markConsolidated', 2>,
  ): Promise<number> {
    if (wanted.length === 0) return 0;
    return this.#session.run((c) => {
      if (into !== null && findMemory(c, project, into) === undefined) {
        throw new NotFoundError('memory', into, { details: { projectId: project } });
      }
      return c
        .statement(
          `UPDATE episodic_events
           SET consolidation_status = 'consolidated', consolidated_at = ?, consolidated_into = ?
           WHERE project_id = ? AND consolidation_status = 'unconsolidated'
             AND id IN (SELECT value FROM json_each(?))`,
        )
        .run(at.getTime(), into, project, JSON.stringify(wanted)).changes;
    });
  }
}
