import { describe, expect, it } from 'vitest';
import { loadNotes, loadQueries } from '../src/corpus.js';

describe('the bundled corpus', () => {
  const notes = loadNotes();
  const queries = loadQueries();
  const noteIds = new Set(notes.map((note) => note.id));

  it('has unique note and query ids and non-blank texts', () => {
    expect(noteIds.size).toBe(notes.length);
    expect(new Set(queries.map((query) => query.id)).size).toBe(queries.length);
    for (const note of notes) expect(note.content.trim()).not.toBe('');
    for (const query of queries) expect(query.query.trim()).not.toBe('');
  });

  it('labels every query with existing, distinct notes', () => {
    for (const query of queries) {
      expect(query.relevant.length, query.id).toBeGreaterThan(0);
      expect(new Set(query.relevant).size, query.id).toBe(query.relevant.length);
      for (const id of query.relevant) expect(noteIds.has(id), `${query.id} → ${id}`).toBe(true);
    }
  });

  it('gives every fuzzy query a variant, and no other query one', () => {
    for (const query of queries) {
      if (query.kind === 'fuzzy') expect(['typo', 'form'], query.id).toContain(query.variant);
      else expect(query.variant, query.id).toBeUndefined();
    }
  });
});
