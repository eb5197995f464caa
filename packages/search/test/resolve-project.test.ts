import { ConflictError, NotFoundError, ValidationError } from '@athena/core-types';
import type { Project, Store } from '@athena/core-types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveProject } from '../src/index.js';
import { BACKENDS } from './helpers/backends.js';

describe.each(BACKENDS)('resolveProject on $name', (backend) => {
  let db: Store;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    ({ store: db, dispose } = await backend.open(8));
    await db.projects.create({ name: 'ledger', path: '/work/ledger' });
  });

  afterAll(async () => {
    await dispose();
  });

  it('finds the project at the working directory, never creating one unless asked', async () => {
    const { project, created } = await resolveProject(db.projects, { cwd: '/work/ledger/' });
    expect(created).toBe(false);
    expect(project).toMatchObject({ name: 'ledger', path: '/work/ledger' });

    const missing = resolveProject(db.projects, { cwd: '/work/nowhere', hint: 'run init' });
    await expect(missing).rejects.toBeInstanceOf(NotFoundError);
    await expect(missing).rejects.toMatchObject({
      message: 'project at /work/nowhere not found',
      details: { hint: 'run init' },
    });
    expect(await db.projects.getByPath('/work/nowhere')).toBeNull();
  });

  it('finds a named project by id, name or path (relative to the working directory)', async () => {
    const ledger = (await db.projects.getByName('ledger')) as Project;
    for (const wanted of [ledger.id, String(ledger.id), 'ledger', '/work/ledger', '../ledger']) {
      const { project } = await resolveProject(db.projects, { cwd: '/work/else', project: wanted });
      expect(project.id).toBe(ledger.id);
    }
    await expect(
      resolveProject(db.projects, { cwd: '/work', project: 'unknown' }),
    ).rejects.toMatchObject({ code: 'not_found', message: 'project unknown not found' });
    await expect(resolveProject(db.projects, { cwd: '/work', project: 987_654 })).rejects.toThrow(
      NotFoundError,
    );
  });

  it('refuses an empty project, a bad id and a relative working directory, naming the argument', async () => {
    await expect(
      resolveProject(db.projects, { cwd: '/work', project: '  ', argument: '--project' }),
    ).rejects.toMatchObject({ message: 'invalid --project: must not be empty' });
    await expect(resolveProject(db.projects, { cwd: '/work', project: 0 })).rejects.toThrow(
      ValidationError,
    );
    await expect(resolveProject(db.projects, { cwd: 'relative/dir' })).rejects.toThrow(
      /cwd: must be an absolute path/,
    );
  });

  it('creates the project at the working directory on first use, once', async () => {
    const first = await resolveProject(db.projects, {
      cwd: '/work/billing',
      create: { description: 'invoices' },
    });
    expect(first.created).toBe(true);
    expect(first.project).toMatchObject({
      name: 'billing',
      path: '/work/billing',
      description: 'invoices',
    });
    const again = await resolveProject(db.projects, { cwd: '/work/billing', create: true });
    expect(again).toEqual({ project: first.project, created: false });
  });

  it('creates a project asked for by path, but never one asked for by a plain name or id', async () => {
    const byPath = await resolveProject(db.projects, {
      cwd: '/work',
      project: './shop',
      create: true,
    });
    expect(byPath).toMatchObject({ created: true, project: { name: 'shop', path: '/work/shop' } });
    await expect(
      resolveProject(db.projects, { cwd: '/work', project: 'warehouse', create: true }),
    ).rejects.toThrow(NotFoundError);
    await expect(
      resolveProject(db.projects, { cwd: '/work', project: '424242', create: true }),
    ).rejects.toThrow(NotFoundError);
    expect(await db.projects.getByName('warehouse')).toBeNull();
  });

  it('a taken name is a conflict by default, or gets a suffix', async () => {
    const refused = resolveProject(db.projects, {
      cwd: '/elsewhere/ledger',
      create: { hint: 'choose another name' },
    });
    await expect(refused).rejects.toBeInstanceOf(ConflictError);
    await expect(refused).rejects.toMatchObject({
      message: 'a project named ledger exists already (at /work/ledger)',
      details: { hint: 'choose another name' },
    });
    expect(await db.projects.getByPath('/elsewhere/ledger')).toBeNull();

    const second = await resolveProject(db.projects, {
      cwd: '/elsewhere/ledger',
      create: { onNameTaken: 'suffix' },
    });
    const third = await resolveProject(db.projects, {
      cwd: '/third/ledger',
      create: { onNameTaken: 'suffix' },
    });
    expect([second.project.name, third.project.name]).toEqual(['ledger-2', 'ledger-3']);
  });

  it('two first uses at once create one project', async () => {
    const both = await Promise.all([
      resolveProject(db.projects, { cwd: '/work/race', create: true }),
      resolveProject(db.projects, { cwd: '/work/race', create: true }),
    ]);
    expect(both[0].project.id).toBe(both[1].project.id);
    expect(both.filter((r) => r.created)).toHaveLength(1);
  });
});
