import { NotFoundError, parseCreateProject, parseId, parseProjectKey } from '@athena/core-types';
import type { CreateProjectInput, Project, ProjectRepository } from '@athena/core-types';
import { toProject } from '../rows.js';
import type { ProjectRow } from '../rows.js';
import type { Session } from '../session.js';

/** Projects on SQLite (`projects`). */
export class SqliteProjectRepository implements ProjectRepository {
  readonly #session: Session;

  constructor(session: Session) {
    this.#session = session;
  }

  async create(input: CreateProjectInput): Promise<Project> {
    const project = parseCreateProject(input);
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

  async get(id: number): Promise<Project | null> {
    const projectId = parseId(id, 'projectId');
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>('SELECT * FROM projects WHERE id = ?')
        .get(projectId);
      return row === undefined ? null : toProject(row);
    });
  }

  async getByPath(path: string): Promise<Project | null> {
    const value = parseProjectKey(path, 'path');
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>('SELECT * FROM projects WHERE path = ?')
        .get(value);
      return row === undefined ? null : toProject(row);
    });
  }

  async getByName(name: string): Promise<Project | null> {
    const value = parseProjectKey(name, 'name');
    return this.#session.run((c) => {
      const row = c
        .statement<unknown[], ProjectRow>('SELECT * FROM projects WHERE name = ?')
        .get(value);
      return row === undefined ? null : toProject(row);
    });
  }

  async list(): Promise<Project[]> {
    return this.#session.run((c) =>
      c.statement<unknown[], ProjectRow>('SELECT * FROM projects ORDER BY id').all().map(toProject),
    );
  }

  async touch(id: number): Promise<Project> {
    const projectId = parseId(id, 'projectId');
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
  async delete(id: number): Promise<boolean> {
    const projectId = parseId(id, 'projectId');
    return this.#session.run(
      (c) => c.statement('DELETE FROM projects WHERE id = ?').run(projectId).changes > 0,
    );
  }
}
