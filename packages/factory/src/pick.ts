import { findVariable, parseVariable, ValidationError } from '@athena/core-types';
import type { AthenaVariableName, Environment, VariableValue } from '@athena/core-types';

/** A resolved value and the option or variable (or alias) that supplied it. */
export interface Source<T> {
  readonly name: string;
  readonly value: T;
}

/** Throws the `ValidationError` of a malformed option or variable. */
export function invalid(name: string, expectation: string, shown: string): never {
  const message = `invalid ${name}: must be ${expectation}, got ${shown}`;
  throw new ValidationError(message, [{ path: name, message: `must be ${expectation}` }]);
}

/**
 * An option given in code wins over its variable; both are checked by the
 * variable's rule in the registry, so `options.postgres.port` and
 * `ATHENA_POSTGRES_PORT` accept the same values.
 */
export function pick<N extends AthenaVariableName>(
  env: Environment,
  option: VariableValue<N> | undefined,
  optionName: string,
  variable: N,
): Source<VariableValue<N>> | undefined {
  if (option !== undefined) {
    return { name: optionName, value: parseVariable(variable, String(option), optionName) };
  }
  const found = findVariable(env, variable);
  return found === undefined ? undefined : { name: found.source, value: found.value };
}
