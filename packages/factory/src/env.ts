import { ATHENA_VARIABLES } from '@athena/core-types';

/** One configuration variable the factory reads, for documentation and error messages. */
export interface EnvVariable {
  readonly name: string;
  readonly aliases: readonly string[];
  readonly description: string;
  readonly default: string;
}

/**
 * The variables the factory reads (the `store` group of `ATHENA_VARIABLES`
 * in `@athena/core-types`), in this package's earlier shape.
 *
 * @deprecated Read `ATHENA_VARIABLES` of `@athena/core-types`: it also holds
 * each variable's parser, range and default value.
 *
 * @example
 * ```ts
 * ENV_VARIABLES.map((v) => v.name); // ['ATHENA_DB_TYPE', 'ATHENA_DATABASE_URL', …]
 * ```
 */
export const ENV_VARIABLES: readonly EnvVariable[] = Object.freeze(
  Object.values(ATHENA_VARIABLES)
    .filter((variable) => variable.group === 'store')
    .map((variable) =>
      Object.freeze({
        name: variable.name,
        aliases: variable.aliases,
        description: variable.description,
        default: variable.defaultText,
      }),
    ),
);
