import { describe, expect, it } from 'vitest';
import { decideMembers } from '../src/decide-members.js';

const vector = (x: number, y: number) => {
  const v = new Float32Array(4);
  v[0] = x;
  v[1] = y;
  return v;
};
const member = (id: number, content: string, x: number, y: number) => ({
  id,
  content,
  embedding: vector(x, y),
});
const representative = {
  content: 'Webhooks are retried by the billing service',
  embedding: vector(1, 0),
};

describe('decideMembers', () => {
  it('supersedes a copy of the representative and links a related member', () => {
    const decisions = decideMembers(
      representative,
      [
        member(1, 'webhooks are retried by the billing service.', 0.6, 0.8),
        member(2, 'Webhooks are retried by the billing service team', 0.95, 0.31),
        member(3, 'Retries back off exponentially up to ten minutes', 0.8, 0.6),
      ],
      { duplicateThreshold: 0.9 },
    );
    expect(decisions.map((d) => [d.id, d.action])).toEqual([
      [1, 'supersede'],
      [2, 'supersede'],
      [3, 'link'],
    ]);
  });

  it('supersedes a later copy of a member kept beside the representative, and a member said to duplicate one', () => {
    const decisions = decideMembers(
      representative,
      [
        member(1, 'Retries back off exponentially up to ten minutes', 0.8, 0.6),
        member(2, 'Retries back off exponentially, up to 10 minutes', 0.78, 0.626),
        member(3, 'retries back off exponentially up to ten minutes', 0.5, 0.866),
        member(4, 'Failed deliveries are dropped after a day', 0.7, -0.714),
      ],
      { duplicateThreshold: 0.9, duplicates: new Set([4]) },
    );
    expect(decisions.map((d) => [d.id, d.action])).toEqual([
      [1, 'link'],
      [2, 'supersede'],
      [3, 'supersede'],
      [4, 'supersede'],
    ]);
  });

  it('links a rewording however similar: more than DUPLICATE_NOVELTY of its words are new', () => {
    const [decision] = decideMembers(
      representative,
      [member(1, 'The billing service retries failed webhook deliveries', 0.99, 0.1)],
      { duplicateThreshold: 0.9 },
    );
    expect(decision).toMatchObject({ id: 1, action: 'link' });
  });

  it('never supersedes a member that contradicts the representative, nor keeps one as an original', () => {
    const decisions = decideMembers(
      representative,
      [
        member(1, 'Webhooks are never retried by the billing service', 0.99, 0.1),
        member(2, 'Webhooks are never retried by the billing service', 0.99, 0.1),
      ],
      { duplicateThreshold: 0.9, duplicates: new Set([1]) },
    );
    expect(decisions.map((d) => [d.id, d.action, d.action === 'link' ? d.relation : null])).toEqual(
      [
        [1, 'link', 'contradicts'],
        [2, 'link', 'contradicts'],
      ],
    );
  });
});
