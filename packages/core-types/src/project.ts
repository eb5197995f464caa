/** A project: the scope every memory, event, task and code entity belongs to. */
export interface Project {
  readonly id: number;
  /** Human-readable name; unique per store. */
  readonly name: string;
  /** Filesystem path or other unique locator of the project; unique per store. */
  readonly path: string;
  readonly description: string | null;
  readonly createdAt: Date;
  /** Updated by `projects.touch()`. */
  readonly lastAccessedAt: Date;
}

/** Input of `projects.create()`. */
export interface CreateProjectInput {
  readonly name: string;
  readonly path: string;
  readonly description?: string | null;
}
