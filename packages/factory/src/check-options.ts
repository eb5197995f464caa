import { ATHENA_VARIABLES, ValidationError } from '@athena/core-types';
import type { ValidationIssue } from '@athena/core-types';
import { z } from 'zod';
import { CREATE_STORE_OPTIONS } from './option-registry.js';
import type { OptionDefinition } from './option-registry.js';

/** Other names people give an option, by the option they mean. */
const OTHER_NAMES: Readonly<Record<string, readonly string[]>> = {
  'postgres.connectionString': ['url', 'databaseUrl', 'connectionUrl', 'uri', 'dsn'],
  'sqlite.path': ['file', 'filename', 'dbPath', 'databasePath'],
  'pglite.dataDir': ['dir', 'directory', 'pglitePath'],
  type: ['backend', 'dbType'],
  embeddingDimension: ['dimension', 'dimensions', 'embeddingDim'],
};

/** The strict schema of the registry: every object rejects keys it does not know. */
function schemaOf(options: readonly OptionDefinition[]): z.ZodType {
  const top: Record<string, z.ZodType> = {};
  const groups: Record<string, Record<string, z.ZodType>> = {};
  for (const option of options) {
    const [group, key] = option.path.split('.');
    if (group === undefined) continue;
    if (key === undefined) {
      top[group] = option.schema.optional();
    } else {
      groups[group] = { ...groups[group], [key]: option.schema.optional() };
    }
  }
  for (const [group, shape] of Object.entries(groups)) {
    top[group] = z.strictObject(shape).optional();
  }
  return z.strictObject(top);
}

const SCHEMA = schemaOf(CREATE_STORE_OPTIONS);

const squash = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '');

/** `sqlite: { path }` for a nested option, `fallback` for a top-level one. */
function written(path: string): string {
  const [group, key] = path.split('.');
  return key === undefined ? path : `${group}: { ${key} }`;
}

/** The number of single-character edits between two names. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, index) => index);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + cost,
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The option an unknown key most likely meant: one whose path, name in its
 * group, variable (or alias) or common other name it spells (ignoring case,
 * `_` and `-`), else a key of the same object at most two edits away.
 */
function suggestionFor(key: string, group: string | undefined): string | undefined {
  const wanted = squash(key);
  const exact = CREATE_STORE_OPTIONS.find((option) => {
    const variable = option.variable === undefined ? undefined : ATHENA_VARIABLES[option.variable];
    const names = [
      option.path,
      option.path.split('.').pop() ?? option.path,
      ...(variable === undefined ? [] : [variable.name, ...variable.aliases]),
      ...(OTHER_NAMES[option.path] ?? []),
    ];
    return names.some((name) => squash(name) === wanted);
  });
  if (exact !== undefined) return exact.path;
  const siblings = CREATE_STORE_OPTIONS.map((option) => option.path.split('.')).filter((parts) =>
    group === undefined ? parts.length === 1 : parts[0] === group && parts.length === 2,
  );
  let best: { path: string; edits: number } | undefined;
  for (const parts of siblings) {
    const edits = distance(wanted, squash(parts[parts.length - 1] ?? ''));
    if (edits <= 2 && (best === undefined || edits < best.edits)) {
      best = { path: parts.join('.'), edits };
    }
  }
  return best?.path;
}

function issueOf(issue: z.core.$ZodIssue): ValidationIssue[] {
  const where = issue.path.map(String);
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => {
      const path = [...where, key].join('.');
      const suggestion = suggestionFor(key, where[0]);
      const hint = suggestion === undefined ? '' : `; did you mean \`${written(suggestion)}\`?`;
      return { path: `options.${path}`, message: `unknown option \`${path}\`${hint}` };
    });
  }
  const path = ['options', ...where].join('.');
  const expected = issue.code === 'invalid_type' ? `must be ${issue.expected}` : issue.message;
  return [{ path, message: `invalid ${path}: ${expected}` }];
}

/**
 * Checks the shape of `createStore()`'s options before anything is read or
 * created: every object of it is strict, so a misspelt or misplaced option
 * (`{ sqlitePath }` for `{ sqlite: { path } }`) throws a `ValidationError`
 * naming the key and, when one is obvious, the option meant — instead of
 * being ignored. Values of options that follow a variable's rule are checked
 * by that rule in `resolveConfig()`.
 *
 * @example
 * ```ts
 * checkOptions({ sqlitePath: '/tmp/x.db' });
 * // ValidationError: unknown option `sqlitePath`; did you mean `sqlite: { path }`?
 * ```
 */
export function checkOptions(options: unknown): void {
  if (options === undefined) return;
  const result = SCHEMA.safeParse(options);
  if (result.success) return;
  const issues = result.error.issues.flatMap(issueOf);
  throw new ValidationError(issues.map((issue) => issue.message).join('; '), issues, {
    cause: result.error,
  });
}
