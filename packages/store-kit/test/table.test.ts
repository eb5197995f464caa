import type { EpisodicEvent, Project, UnresolvedDependency } from '@athena/core-types';
import { describe as suite, expect, it } from 'vitest';
import {
  AS_IS,
  EPISODE_BUT_CONTEXT,
  EPISODE_CONTEXT_COLUMNS,
  IDENTITY,
  MEMORY,
  PROJECT,
  UNRESOLVED_DEPENDENCY,
  columnsOf,
  describe,
  domainReaders,
  hybridHit,
  insertValues,
  keywordHit,
  recordTables,
  rowReader,
  semanticHit,
} from '../src/index.js';
import type { Codecs } from '../src/index.js';

/** Codecs in the style of a text-only backend: instants as ISO strings, lists as JSON, ids as strings. */
const TEXT_CODECS: Codecs<string> = {
  ...AS_IS,
  key: { read: (v) => Number(v), write: (v) => String(v) },
  ref: { read: (v) => Number(v), write: (v) => String(v) },
  nullableRef: {
    read: (v) => (v === null ? null : Number(v)),
    write: (v) => (v === null ? null : String(v)),
  },
  instant: {
    read: (v) => new Date(v as string),
    write: (v) => (v as Date).toISOString(),
  },
  nullableInstant: {
    read: (v) => (v === null ? null : new Date(v as string)),
    write: (v) => (v === null ? null : (v as Date).toISOString()),
  },
  textList: { read: (v) => JSON.parse(v as string), write: (v) => JSON.stringify(v) },
  json: { read: (v) => JSON.parse(v as string), write: (v) => JSON.stringify(v) },
  vector: {
    read: (v) => Float32Array.from(JSON.parse(v as string) as number[]),
    // The write context reaches the codec: here a prefix a test can see.
    write: (v, context) => `${context}${JSON.stringify([...(v as Float32Array)])}`,
  },
  nullableBoolean: {
    read: (v) => (v === null ? null : v === 'y'),
    write: (v) => (v === null ? null : v === true ? 'y' : 'n'),
  },
};

const EPISODE = describe<EpisodicEvent>()({
  ...EPISODE_BUT_CONTEXT,
  context: { nested: EPISODE_CONTEXT_COLUMNS },
});

const project: Project = {
  id: 7,
  name: 'athena',
  path: '/src/athena',
  description: null,
  createdAt: new Date('2026-01-02T03:04:05.006Z'),
  lastAccessedAt: new Date('2026-02-03T04:05:06.007Z'),
};

suite('columnsOf', () => {
  it('lists the columns in descriptor order', () => {
    expect(columnsOf(PROJECT)).toEqual([
      'id',
      'name',
      'path',
      'description',
      'created_at',
      'last_accessed_at',
    ]);
  });

  it('leaves out omitted fields, and for inserts the key and generated columns', () => {
    const all = columnsOf(MEMORY);
    expect(columnsOf(MEMORY, { omit: ['embedding'] })).toEqual(
      all.filter((c) => c !== 'embedding'),
    );
    const insert = columnsOf(MEMORY, { insert: true });
    expect(insert).not.toContain('id');
    expect(insert).not.toContain('quality_score');
    expect(insert).toHaveLength(all.length - 2);
  });

  it('flattens nested fields into their own columns', () => {
    expect(columnsOf(UNRESOLVED_DEPENDENCY, { insert: true })).toEqual([
      'project_id',
      'from_entity_id',
      'dependency_type',
      'target_qualified_name',
      'target_file_path',
      'target_entity_type',
      'created_at',
    ]);
  });
});

suite('rowReader', () => {
  const read = rowReader(PROJECT, TEXT_CODECS);

  it('reads each column through its codec into the field', () => {
    expect(
      read({
        id: '7',
        name: 'athena',
        path: '/src/athena',
        description: null,
        created_at: '2026-01-02T03:04:05.006Z',
        last_accessed_at: '2026-02-03T04:05:06.007Z',
      }),
    ).toEqual(project);
  });

  it('gives every result the same keys, in field order, and ignores extra columns', () => {
    const row = {
      id: '1',
      name: 'a',
      path: '/a',
      description: 'd',
      created_at: '2026-01-01T00:00:00.000Z',
      last_accessed_at: '2026-01-01T00:00:00.000Z',
      tsv: 'ignored',
    };
    expect(Object.keys(read(row))).toEqual(Object.keys(PROJECT));
  });

  it('passes a value unchanged through IDENTITY (no copy)', () => {
    const tags = ['a'];
    const readTags = rowReader(
      describe<{ tags: readonly string[] }>()({ tags: ['t', 'textList'] }),
      { ...TEXT_CODECS, textList: IDENTITY },
    );
    expect(readTags({ t: tags }).tags).toBe(tags);
  });

  it('builds nested objects from columns of the same row', () => {
    const dependency = rowReader(
      UNRESOLVED_DEPENDENCY,
      TEXT_CODECS,
    )({
      id: '3',
      project_id: '7',
      from_entity_id: '9',
      dependency_type: 'calls',
      target_qualified_name: 'Reader.run',
      target_file_path: null,
      target_entity_type: 'method',
      created_at: '2026-01-02T03:04:05.006Z',
    });
    expect(dependency).toEqual({
      id: 3,
      projectId: 7,
      fromEntityId: 9,
      dependencyType: 'calls',
      target: { qualifiedName: 'Reader.run', filePath: null, entityType: 'method' },
      createdAt: new Date('2026-01-02T03:04:05.006Z'),
    } satisfies UnresolvedDependency);
  });

  it('leaves omitted fields out entirely', () => {
    const readBare = rowReader(MEMORY, TEXT_CODECS, ['embedding']);
    const row = Object.fromEntries(columnsOf(MEMORY).map((c) => [c, null]));
    const bare = readBare({ ...row, tags: '[]', id: '1', project_id: '1' });
    expect('embedding' in bare).toBe(false);
  });
});

suite('insertValues', () => {
  it('writes the insert columns in order, each through its codec, with the context', () => {
    const values = insertValues(PROJECT, TEXT_CODECS)(project, '');
    expect(values).toEqual([
      'athena',
      '/src/athena',
      null,
      '2026-01-02T03:04:05.006Z',
      '2026-02-03T04:05:06.007Z',
    ]);
    const vector = insertValues(
      describe<{ embedding: Float32Array }>()({ embedding: ['e', 'vector'] }),
      TEXT_CODECS,
    )({ embedding: Float32Array.of(0.5, 1) }, 'ctx:');
    expect(vector).toEqual(['ctx:[0.5,1]']);
  });
});

suite('recordTables', () => {
  const tables = recordTables(TEXT_CODECS, EPISODE, (table) => table);

  it('covers every record table with distinct insert columns', () => {
    for (const table of Object.values(tables)) {
      expect(new Set(table.columns).size).toBe(table.columns.length);
    }
    expect(tables.episodes.columns).toContain('context_files');
  });

  it('reads back what it writes: episodes with a nested context, memories with a vector', () => {
    const episode = {
      id: 5,
      projectId: 7,
      sessionId: 's',
      timestamp: new Date('2026-01-02T03:04:05.006Z'),
      durationMs: null,
      eventType: 'action',
      content: 'ran tests',
      outcome: 'success',
      context: { cwd: '/w', files: ['a.ts', 'b.ts'], task: null, phase: null, branch: 'main' },
      filesChanged: 2,
      linesAdded: 10,
      linesDeleted: 1,
      learned: null,
      surpriseScore: 0.25,
      confidence: 1,
      consolidationStatus: 'unconsolidated',
      consolidatedAt: null,
      consolidatedInto: null,
      createdAt: new Date('2026-01-02T03:04:06.000Z'),
    } as const;
    const { columns, values, toRecord } = tables.episodes;
    const written = values(episode, '');
    const row = Object.fromEntries([['id', '5'], ...columns.map((c, i) => [c, written[i]])]);
    expect(toRecord(row)).toEqual(episode);
  });
});

suite('search hits', () => {
  const memory = { id: 1 } as never;

  it('semantic: the similarity is the score, the semantic rank is set', () => {
    expect(semanticHit(memory, 0.75, 2)).toEqual({
      memory,
      score: 0.75,
      breakdown: {
        semantic: 0.75,
        keyword: null,
        semanticRank: 2,
        keywordRank: null,
        semanticNormalized: null,
        keywordNormalized: null,
        fused: 0.75,
      },
    });
  });

  it('keyword: the keyword score is the score, the keyword rank is set', () => {
    expect(keywordHit(memory, 0.5, 3).breakdown).toEqual({
      semantic: null,
      keyword: 0.5,
      semanticRank: null,
      keywordRank: 3,
      semanticNormalized: null,
      keywordNormalized: null,
      fused: 0.5,
    });
  });

  it('hybrid: the breakdown from the score columns, ranks as numbers, the fused score is the score', () => {
    const row = {
      similarity: 0.9,
      keyword: 0,
      semantic_rank: '1',
      keyword_rank: null,
      semantic_normalized: 1,
      keyword_normalized: 0,
      fused: 0.7,
    };
    expect(hybridHit(memory, row)).toEqual({
      memory,
      score: 0.7,
      breakdown: {
        semantic: 0.9,
        keyword: 0,
        semanticRank: 1,
        keywordRank: null,
        semanticNormalized: 1,
        keywordNormalized: 0,
        fused: 0.7,
      },
    });
  });
});

suite('domainReaders', () => {
  it('derives a reader per domain object, the memory one with and without the embedding', () => {
    const read = domainReaders(TEXT_CODECS, EPISODE);
    const row = {
      ...Object.fromEntries(columnsOf(MEMORY).map((c) => [c, null])),
      id: '1',
      project_id: '2',
      tags: '["x"]',
      embedding: '[1,2]',
    };
    expect(read.memory(row).embedding).toEqual(Float32Array.of(1, 2));
    expect(read.memoryWithoutEmbedding(row)).not.toHaveProperty('embedding');
    expect(read.memoryWithoutEmbedding(row).tags).toEqual(['x']);
  });
});

// Type checks: a descriptor must name every field of its type, no other, with a kind that fits.
describe<Project>()({
  id: ['id', 'key'],
  name: ['name', 'text'],
  path: ['path', 'text'],
  description: ['description', 'nullableText'],
  createdAt: ['created_at', 'instant'],
  // @ts-expect-error a nullable kind for a field that is never null
  lastAccessedAt: ['last_accessed_at', 'nullableInstant'],
});
// @ts-expect-error `lastAccessedAt` is missing
describe<Project>()({
  id: ['id', 'key'],
  name: ['name', 'text'],
  path: ['path', 'text'],
  description: ['description', 'nullableText'],
  createdAt: ['created_at', 'instant'],
});
describe<Project>()({
  id: ['id', 'key'],
  name: ['name', 'text'],
  path: ['path', 'text'],
  // @ts-expect-error a non-null kind for a nullable field
  description: ['description', 'text'],
  createdAt: ['created_at', 'instant'],
  lastAccessedAt: ['last_accessed_at', 'instant'],
});
