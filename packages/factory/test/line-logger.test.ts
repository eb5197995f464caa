import { describe, expect, it } from 'vitest';
import { lineLogger } from '../src/index.js';

describe('lineLogger', () => {
  it('writes the message and its facts on one line, the message alone without facts', () => {
    const lines: string[] = [];
    const logger = lineLogger((line) => lines.push(line));
    logger.warn('retrying after a transient PostgreSQL failure', {
      operation: 'count memories',
      attempt: 1,
      code: '57P01',
    });
    logger.warn('plain');
    logger.warn('empty facts', {});
    expect(lines).toEqual([
      'retrying after a transient PostgreSQL failure {"operation":"count memories","attempt":1,"code":"57P01"}',
      'plain',
      'empty facts',
    ]);
  });
});
