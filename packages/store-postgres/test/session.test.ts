import { describe, expect, it } from 'vitest';
import { bindEachRoleOnce } from '../src/session.js';

describe('bindEachRoleOnce', () => {
  it('reuses the first placeholder of a repeated role and renumbers the rest densely', () => {
    const statement = bindEachRoleOnce(
      'test',
      'select $1, $2 from t where a = $3 and b <=> $4 order by b <=> $5 limit $6',
      ['project', 'vector', 'project', 'vector', 'vector', 'limit'],
    );
    expect(statement).toEqual({
      text: 'select $1, $2 from t where a = $1 and b <=> $2 order by b <=> $2 limit $3',
      roles: ['project', 'vector', 'limit'],
    });
  });

  it('leaves a statement whose roles are distinct as it is', () => {
    const text = 'select * from t where a = $1 and b = $2';
    expect(bindEachRoleOnce('test', text, ['a', 'b'])).toEqual({ text, roles: ['a', 'b'] });
  });

  it('throws when placeholders and parameters disagree', () => {
    expect(() => bindEachRoleOnce('test', 'select $1, $2', ['a'])).toThrow(
      /statement test: no parameter \$2/,
    );
    expect(() => bindEachRoleOnce('test', 'select $1', ['a', 'b'])).toThrow(
      /statement test: 1 placeholders for 2 parameters/,
    );
  });
});
