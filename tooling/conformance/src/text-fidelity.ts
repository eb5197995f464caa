import { ValidationError } from '@athena/core-types';
import { beforeAll, describe, expect, it } from 'vitest';
import { expectAthenaError } from './expect-athena-error.js';
import { QUERY, ids, memoryInput, present } from './fixtures.js';
import type { SuiteContext } from './suite-context.js';

/**
 * Strings that break naive SQL, LIKE patterns, JSON encoding or Unicode
 * handling. Each is paired with a plain word so keyword search can find it.
 */
const HOSTILE: readonly { readonly word: string; readonly text: string }[] = [
  { word: 'marmoset', text: `it's "double" and 'single' quoted` },
  { word: 'ocelot', text: '100% of_the _under_ scores % and %% signs' },
  { word: 'tapir', text: 'back\\slash \\n \\\\ \\x00 \\u0041 C:\\path\\' },
  { word: 'wombat', text: "'; DROP TABLE memory_vectors; --" },
  { word: 'axolotl', text: 'Robert\'); DROP TABLE projects;-- " ) OR 1=1 --' },
  { word: 'capybara', text: 'emoji 🧠🚀 with ZWJ 👩‍💻 and flags 🇳🇱' },
  { word: 'dugong', text: 'RTL שלום עולם مرحبا بالعالم \u202Eoverride\u202C' },
  { word: 'gecko', text: 'combining e\u0301 vs precomposed \u00e9; A\u030A vs \u00c5' },
  { word: 'jackal', text: 'line one\nline two\r\nline three\ttabbed\u000bvertical' },
  { word: 'lemur', text: '{"json": [1, 2, {"nested": null}], "x": "\\""} $1 ?2 :name @var ${x}' },
  { word: 'manatee', text: '<script>alert(1)</script> &amp; &lt; `backticks` ~!@#^&*()[]{}|' },
  { word: 'numbat', text: '\u00a0non-breaking\u2003em-space\u200bzero-width\ufeffBOM' },
];

/** Text fidelity: hostile strings are stored, read back, filtered and searched verbatim. */
export function textFidelityTests(ctx: SuiteContext): void {
  describe('hostile strings', () => {
    let projectId = 0;
    const byWord = new Map<string, number>();
    beforeAll(async () => {
      projectId = (await ctx.project('hostile')).id;
      for (const { word, text } of HOSTILE) {
        const memory = await ctx
          .store()
          .memories.store(
            projectId,
            memoryInput({ content: `${word} ${text}`, tags: [text, 'hostile'], domain: text }),
          );
        byWord.set(word, memory.id);
      }
    });

    for (const { word, text } of HOSTILE) {
      const label = JSON.stringify(text).slice(0, 48);
      it(`${label}: content, tag and domain read back verbatim`, async () => {
        const memory = present(
          await ctx.store().memories.get(projectId, present(byWord.get(word))),
        );
        expect(memory.content).toBe(`${word} ${text}`);
        expect(memory.content.length).toBe(word.length + 1 + text.length);
        expect(memory.tags).toEqual([text, 'hostile']);
        expect(memory.domain).toBe(text);
      });

      it(`${label}: tag and domain filters match exactly this memory`, async () => {
        const store = ctx.store();
        const id = present(byWord.get(word));
        expect(
          ids((await store.memories.list(projectId, { filters: { tags: [text] } })).items),
        ).toEqual([id]);
        expect(
          ids((await store.memories.list(projectId, { filters: { domains: [text] } })).items),
        ).toEqual([id]);
        expect(await store.memories.count(projectId, { tags: [text, 'hostile'] })).toBe(1);
      });

      it(`${label}: keyword search finds it by its word`, async () => {
        expect(ids(await ctx.store().search.keyword(projectId, word))).toEqual([
          present(byWord.get(word)),
        ]);
      });
    }

    it('searching with hostile text as the query is harmless', async () => {
      const store = ctx.store();
      for (const { text } of HOSTILE) {
        const hits = await store.search.keyword(projectId, text, { limit: 100 });
        for (const hit of hits) expect(hit.memory.projectId).toBe(projectId);
      }
      expect(await store.memories.count(projectId)).toBe(HOSTILE.length);
      const dropped = await store.search.keyword(projectId, "'; DROP TABLE memory_vectors; --");
      expect(ids(dropped)).toContain(present(byWord.get('wombat')));
      expect((await store.projects.list()).length).toBeGreaterThan(0);
    });

    it('a LIKE wildcard in a filter value matches only literally', async () => {
      const store = ctx.store();
      expect(await store.memories.count(projectId, { tags: ['%'] })).toBe(0);
      expect(await store.memories.count(projectId, { tags: ['_'] })).toBe(0);
      expect(await store.memories.count(projectId, { domains: ['%'] })).toBe(0);
      expect(await store.memories.count(projectId, { domains: ['%DROP%'] })).toBe(0);
    });
  });

  it('a 100,000-character text is stored verbatim and found by keyword search', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const words = ['alpha', 'bravo', 'charlie', 'delta', 'echo', 'foxtrot', 'golf', 'hotel'];
    let body = '';
    for (let i = 0; body.length < 100_000; i++) body += `${words[i % words.length] ?? 'x'} `;
    body = body.slice(0, 49_990) + ' okapi ' + body.slice(49_990);
    body = body.slice(0, 100_000);
    expect(body.length).toBe(100_000);
    const memory = await store.memories.store(project.id, memoryInput({ content: body }));
    const fetched = present(await store.memories.get(project.id, memory.id));
    expect(fetched.content.length).toBe(100_000);
    expect(fetched.content === body).toBe(true);
    expect(ids(await store.search.keyword(project.id, 'okapi'))).toEqual([memory.id]);
  });

  for (const bad of ['\uD800', 'a\uDC00b', '\uDC00\uD800']) {
    it(`ill-formed UTF-16 ${JSON.stringify(bad)} is a ValidationError naming the field wherever text goes; nothing changes`, async () => {
      const store = ctx.store();
      const project = await ctx.project();
      const memory = await store.memories.store(project.id, memoryInput());
      const goal = await store.goals.create(project.id, { title: 'kept goal' });
      const projects = await store.projects.list();
      const attempts: readonly (readonly [string, () => Promise<unknown>])[] = [
        ['memory.content', () => store.memories.store(project.id, memoryInput({ content: bad }))],
        ['memory.domain', () => store.memories.store(project.id, memoryInput({ domain: bad }))],
        [
          'memory.tags[1]',
          () => store.memories.store(project.id, memoryInput({ tags: ['ok', bad] })),
        ],
        ['update.content', () => store.memories.update(project.id, memory.id, { content: bad })],
        [
          'episode.content',
          () =>
            store.episodes.record(project.id, {
              sessionId: 's',
              eventType: 'action',
              content: bad,
            }),
        ],
        ['goal.title', () => store.goals.create(project.id, { title: bad })],
        ['goal update.title', () => store.goals.update(project.id, goal.id, { title: bad })],
        ['task.title', () => store.tasks.create(project.id, { title: bad })],
        ['project.name', () => store.projects.create({ name: bad, path: '/lone-surrogate' })],
        ['project.path', () => store.projects.create({ name: 'lone surrogate', path: bad })],
        ['text', () => store.search.keyword(project.id, bad)],
        ['query.text', () => store.search.hybrid(project.id, { embedding: QUERY, text: bad })],
      ];
      for (const [path, attempt] of attempts) {
        const error = await expectAthenaError(attempt, ValidationError, 'validation');
        expect(
          error.issues.map((issue) => issue.path),
          path,
        ).toContain(path);
      }
      expect(await store.memories.get(project.id, memory.id)).toEqual(memory);
      expect(await store.memories.count(project.id)).toBe(1);
      expect(await store.goals.list(project.id)).toEqual([goal]);
      expect(await store.tasks.list(project.id)).toEqual([]);
      expect((await store.episodes.list(project.id)).items).toEqual([]);
      expect(await store.projects.list()).toEqual(projects);
    });
  }

  it('well-formed astral characters (surrogate pairs) are stored and read back unchanged', async () => {
    const store = ctx.store();
    const astral = 'owl 🦉 double-struck 𝔸 \u{1F989}\u{1D538}';
    const project = await store.projects.create({ name: astral, path: `/astral/${astral}` });
    const memory = await store.memories.store(
      project.id,
      memoryInput({ content: `kinkajou ${astral}`, domain: astral, tags: [astral] }),
    );
    const fetched = present(await store.memories.get(project.id, memory.id));
    expect([fetched.content, fetched.domain, fetched.tags]).toEqual([
      `kinkajou ${astral}`,
      astral,
      [astral],
    ]);
    expect(
      ids((await store.memories.list(project.id, { filters: { tags: [astral] } })).items),
    ).toEqual([memory.id]);
    expect(ids(await store.search.keyword(project.id, `kinkajou ${astral}`))).toEqual([memory.id]);
    const event = await store.episodes.record(project.id, {
      sessionId: astral,
      eventType: 'action',
      content: astral,
    });
    const goal = await store.goals.create(project.id, { title: astral });
    const task = await store.tasks.create(project.id, { title: astral });
    expect(present(await store.episodes.get(project.id, event.id)).content).toBe(astral);
    expect(present(await store.goals.get(project.id, goal.id)).title).toBe(astral);
    expect(present(await store.tasks.get(project.id, task.id)).title).toBe(astral);
    expect(present(await store.projects.get(project.id))).toMatchObject({
      name: astral,
      path: `/astral/${astral}`,
    });
  });

  it('NUL characters are rejected with ValidationError wherever text goes', async () => {
    const store = ctx.store();
    const project = await ctx.project();
    const nul = 'a\u0000b';
    const attempts: (() => Promise<unknown>)[] = [
      () => store.memories.store(project.id, memoryInput({ content: nul })),
      () => store.memories.store(project.id, memoryInput({ tags: [nul] })),
      () => store.memories.store(project.id, memoryInput({ domain: nul })),
      () => store.memories.store(project.id, memoryInput({ sessionId: nul })),
      () => store.projects.create({ name: nul, path: '/nul' }),
      () => store.projects.create({ name: 'nul', path: nul }),
      () =>
        store.episodes.record(project.id, { sessionId: 's', eventType: 'action', content: nul }),
      () => store.goals.create(project.id, { title: nul }),
      () => store.tasks.create(project.id, { title: nul }),
      () => store.decisions.create(project.id, { title: nul }),
      () =>
        store.code.upsertEntity(project.id, { filePath: nul, name: 'x', entityType: 'function' }),
      () => store.search.keyword(project.id, nul),
      () => store.memories.list(project.id, { filters: { tags: [nul] } }),
    ];
    for (const attempt of attempts) await expectAthenaError(attempt, ValidationError, 'validation');
    expect(await store.memories.count(project.id)).toBe(0);
    expect(await store.projects.getByPath('/nul')).toBeNull();
  });
}
