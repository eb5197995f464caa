import { describe, expect, it } from 'vitest';
import { loadConsolidationNotes, loadContradictions, loadNotes } from '../src/corpus.js';

describe('the labelled consolidation set', () => {
  const notes = loadConsolidationNotes();
  const pairs = loadContradictions();
  const byId = new Map(notes.map((note) => [note.id, note]));
  const groups = new Map<string, typeof notes>();
  for (const note of notes) groups.set(note.group, [...(groups.get(note.group) ?? []), note]);

  it('holds at least 300 notes with unique ids, every corpus note among them unchanged', () => {
    expect(notes.length).toBeGreaterThanOrEqual(300);
    expect(byId.size).toBe(notes.length);
    for (const note of loadNotes()) expect(byId.get(note.id)?.content, note.id).toBe(note.content);
  });

  it('gives each group one kind and one split, and singletons exactly one note', () => {
    for (const [group, members] of groups) {
      expect(new Set(members.map((note) => note.kind)).size, group).toBe(1);
      expect(new Set(members.map((note) => note.split)).size, group).toBe(1);
      if (members[0]?.kind === 'singleton') expect(members, group).toHaveLength(1);
      else expect(members.length, group).toBeGreaterThanOrEqual(2);
    }
  });

  it('puts every kind into both halves', () => {
    for (const kind of ['duplicate', 'shared-terms', 'no-shared-terms', 'singleton'] as const) {
      for (const split of ['tune', 'held-out'] as const) {
        const count = [...groups.values()].filter(
          ([first]) => first?.kind === kind && first.split === split,
        ).length;
        expect(count, `${kind} ${split}`).toBeGreaterThan(1);
      }
    }
  });

  it('labels contradictions between two singletons of different groups in the pair’s split', () => {
    expect(pairs.length).toBeGreaterThanOrEqual(10);
    for (const {
      notes: [a, b],
      split,
    } of pairs) {
      const left = byId.get(a);
      const right = byId.get(b);
      expect(left?.group).not.toBe(right?.group);
      expect([left?.kind, right?.kind]).toEqual(['singleton', 'singleton']);
      expect([left?.split, right?.split]).toEqual([split, split]);
    }
  });
});
