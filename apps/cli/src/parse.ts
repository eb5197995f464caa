import { InvalidArgumentError } from 'commander';

/** `--limit 20`: an integer in `min`–`max`. */
export function integerIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = /^-?\d+$/.test(value.trim()) ? Number(value) : Number.NaN;
    if (!Number.isSafeInteger(number) || number < min || number > max) {
      throw new InvalidArgumentError(`must be an integer in ${min}–${max}`);
    }
    return number;
  };
}

/** An id: a positive integer. */
export const id = integerIn(1, Number.MAX_SAFE_INTEGER);

/** `--confidence 0.8`: a number in `min`–`max`. */
export function numberIn(min: number, max: number): (value: string) => number {
  return (value) => {
    const number = value.trim() === '' ? Number.NaN : Number(value);
    if (!Number.isFinite(number) || number < min || number > max) {
      throw new InvalidArgumentError(`must be a number in ${min}–${max}`);
    }
    return number;
  };
}

/** `--tags a,b`: a comma-separated list, blanks dropped. */
export function list(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

/** A comma-separated list whose items must be among `choices`. */
export function listOf(choices: readonly string[]): (value: string) => string[] {
  return (value) => {
    const items = list(value);
    const bad = items.find((item) => !choices.includes(item));
    if (bad !== undefined || items.length === 0) {
      throw new InvalidArgumentError(`must be a comma-separated list of ${choices.join(', ')}`);
    }
    return items;
  };
}

/** `--deadline 2025-12-31` or a full ISO 8601 instant. */
export function instant(value: string): Date {
  const date = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(date.getTime())) {
    throw new InvalidArgumentError('must be an ISO 8601 date or instant, e.g. 2025-12-31');
  }
  return date;
}
