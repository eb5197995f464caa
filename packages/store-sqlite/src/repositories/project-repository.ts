import { NotFoundError } from '@athena/core-types';
import type { NewProject, Project } from '@athena/core-types';
import type { ProjectBackend } from '@athena/store-kit';
import { toProject } from '../rows.js';
import type { ProjectRow } from '../rows.js';
import type { Session } from '../session.js';

/** Projects on SQLite (`projects`), behind the kit's validating front. */
export class SqliteProjectRepository implements ProjectBackend {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async create(project: NewProject): Promise<Project> {
    return this.#session.run((c) => {
      const now = Date.now();
      const row = c
        .statement<unknown[], ProjectRow>(
          `INSERT INTO projects (name, path, description, created_at, last_accessed_at)
           VALUES (?, ?, ?, ?, ?) RETURNING *`,
        )
        .get(project.name, project.path, project.description, now, now);
      return toProject(row as ProjectRow);
    });
  }

  async get(projectId: number): Promise<Project | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>('SELECT * FROM projects WHERE id = ?')
        .get(projectId);
      return row === undefined ? null : toProject(row);
    });
  }

  async getByPath(path: string): Promise<Project | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>('SELECT * FROM projects WHERE path = ?')
        .get(path);
      return row === undefined ? null : toProject(row);
    });
  }

  async getByName(name: string): Promise<Project | null> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>('SELECT * FROM projects WHERE name = ?')
        .get(name);
      return row === undefined ? null : toProject(row);
    });
  }

  async list(): Promise<Project[]> {
    return this.#session.run((c) =>
      c.statement<unknown[], ProjectRow>('SELECT * FROM projects ORDER BY id').all().map(toProject),
    );
  }

  async touch(projectId: number): Promise<Project> {
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>(
          'UPDATE projects SET last_accessed_at = ? WHERE id = ? RETURNING *',
        )
        .get(Date.now(), projectId);
      if (row === undefined) throw new NotFoundError('project', projectId);
      return toProject(row);
    });
  }

  /** Deletes the project; foreign keys cascade to everything in it. */
  async delete(projectId: number): Promise<boolean> {
    return this.#session.run(
      (c) => c.statement('DELETE FROM projects WHERE id = ?').run(projectId).changes > 0,
    );
  }
}
