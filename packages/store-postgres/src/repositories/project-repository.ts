import { NotFoundError } from '@athena/core-types';
import type { NewProject, Project } from '@athena/core-types';
import type { ProjectBackend } from '@athena/store-kit';
import { toProject } from '../rows.js';
import type { Session } from '../session.js';

/** `projects` on PostgreSQL, behind the kit's validating front. */
export class PostgresProjectRepository implements ProjectBackend {
  readonly #session: () => Session;

  constructor(session: () => Session) {
    this.#session = session;
  }

  /**
   * Creates a project; the name and the path must both be unused.
   */
  async create(project: NewProject): Promise<Project> {
    return this.#session().write(
      {
        operation: 'create project',
        conflict: `a project named '${project.name}' or at '${project.path}' already exists`,
      },
      async (s) => {
        const row = await s.db
          .insertInto('projects')
          .values({ name: project.name, path: project.path, description: project.description })
          .returningAll()
          .executeTakeFirstOrThrow();
        return toProject(row);
      },
    );
  }

  async get(projectId: number): Promise<Project | null> {
    return this.#session().read({ operation: 'get project' }, async (s) => {
      const row = await s.db
        .selectFrom('projects')
        .selectAll()
        .where('id', '=', projectId)
        .executeTakeFirst();
      return row === undefined ? null : toProject(row);
    });
  }

  async getByPath(path: string): Promise<Project | null> {
    return this.#session().read({ operation: 'get project by path' }, async (s) => {
      const row = await s.db
        .selectFrom('projects')
        .selectAll()
        .where('path', '=', path)
        .executeTakeFirst();
      return row === undefined ? null : toProject(row);
    });
  }

  async getByName(name: string): Promise<Project | null> {
    return this.#session().read({ operation: 'get project by name' }, async (s) => {
      const row = await s.db
        .selectFrom('projects')
        .selectAll()
        .where('name', '=', name)
        .executeTakeFirst();
      return row === undefined ? null : toProject(row);
    });
  }

  async list(): Promise<Project[]> {
    return this.#session().read({ operation: 'list projects' }, async (s) => {
      const rows = await s.db.selectFrom('projects').selectAll().orderBy('id').execute();
      return rows.map(toProject);
    });
  }

  async touch(projectId: number): Promise<Project> {
    return this.#session().write({ operation: 'touch project' }, async (s) => {
      const row = await s.db
        .updateTable('projects')
        .set({ last_accessed_at: new Date() })
        .where('id', '=', projectId)
        .returningAll()
        .executeTakeFirst();
      if (row === undefined) throw new NotFoundError('project', projectId);
      return toProject(row);
    });
  }

  async delete(projectId: number): Promise<boolean> {
    return this.#session().write({ operation: 'delete project' }, async (s) => {
      const result = await s.db
        .deleteFrom('projects')
        .where('id', '=', projectId)
        .executeTakeFirst();
      return result.numDeletedRows > 0n;
    });
  }
}
