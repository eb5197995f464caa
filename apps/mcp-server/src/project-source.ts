import { fileURLToPath } from 'node:url';
import type { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { RootsListChangedNotificationSchema } from '@modelcontextprotocol/sdk/types.js';
import type { Project, ProjectRepository } from '@athena/core-types';
import { resolveProject } from '@athena/search';

/** How long to wait for the client's `roots/list` answer before using the working directory. */
const ROOTS_TIMEOUT_MS = 5_000;

/**
 * The project of one MCP session: the one a tool's `project` argument
 * names, else the one at the client's first root (`roots/list`, asked once
 * and again after `notifications/roots/list_changed`), else the one at the
 * server's working directory — created on first use.
 */
export class ProjectSource {
  readonly #server: Server;
  readonly #cwd: string;
  #root: Promise<string> | null = null;

  constructor(server: Server, cwd: string) {
    this.#server = server;
    this.#cwd = cwd;
    server.setNotificationHandler(RootsListChangedNotificationSchema, () => {
      this.#root = null;
    });
  }

  /** The directory standing for the session's project: the client's first root, or the working directory. */
  root(): Promise<string> {
    this.#root ??= this.#askRoots();
    return this.#root;
  }

  /**
   * The project of a tool call.
   *
   * @example
   * ```ts
   * const project = await source.resolve(store.projects, args.project);
   * ```
   */
  async resolve(projects: ProjectRepository, wanted: string | undefined): Promise<Project> {
    const { project } = await resolveProject(projects, {
      cwd: await this.root(),
      ...(wanted === undefined ? {} : { project: wanted }),
      create: { onNameTaken: 'suffix' },
    });
    return project;
  }

  async #askRoots(): Promise<string> {
    if (this.#server.getClientCapabilities()?.roots === undefined) return this.#cwd;
    try {
      const { roots } = await this.#server.listRoots(undefined, { timeout: ROOTS_TIMEOUT_MS });
      const first = roots.find((root) => root.uri.startsWith('file://'));
      return first === undefined ? this.#cwd : fileURLToPath(first.uri);
    } catch {
      // A client that announced roots but does not answer: the working directory still works.
      return this.#cwd;
    }
  }
}
