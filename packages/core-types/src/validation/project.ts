import { z } from 'zod';
import { longText, parseWith, shortText } from './internal.js';

const createProjectSchema = z
  .object({
    name: shortText,
    path: shortText,
    description: longText.nullable().default(null),
  })
  .strict();

/** A validated `CreateProjectInput` with defaults applied. */
export type NewProject = z.output<typeof createProjectSchema>;

/** Validates `projects.create()` input. */
export function parseCreateProject(input: unknown): NewProject {
  return parseWith(createProjectSchema, input, 'project');
}

/**
 * Validates the key of `projects.getByPath()` / `getByName()`: the rule a
 * project's path and name are created with (non-empty, at most
 * {@link LIMITS}.shortText characters, no NUL), so a key no project can have
 * is a `ValidationError` on every backend rather than `null` on some.
 *
 * @example
 * ```ts
 * parseProjectKey('/src/demo', 'path'); // '/src/demo'
 * ```
 */
export function parseProjectKey(value: unknown, what: 'path' | 'name'): string {
  return parseWith(shortText, value, what);
}
