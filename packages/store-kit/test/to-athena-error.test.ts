import {
  BackendUnavailableError,
  ConflictError,
  NotFoundError,
  StorageError,
  TransientError,
  ValidationError,
} from '@athena/core-types';
import type { AthenaError, AthenaErrorCode } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { toAthenaError } from '../src/index.js';
import type { DriverErrorKind } from '../src/index.js';

const EXPECTED: readonly (readonly [
  DriverErrorKind,
  abstract new (...args: never[]) => AthenaError,
  AthenaErrorCode,
])[] = [
  ['unique_violation', ConflictError, 'conflict'],
  ['foreign_key_violation', NotFoundError, 'not_found'],
  ['check_violation', ValidationError, 'validation'],
  ['not_null_violation', ValidationError, 'validation'],
  ['invalid_value', ValidationError, 'validation'],
  ['concurrency_conflict', TransientError, 'transient'],
  ['unavailable', BackendUnavailableError, 'backend_unavailable'],
  ['rollback_only', StorageError, 'storage'],
  ['other', StorageError, 'storage'],
];

describe('toAthenaError', () => {
  for (const [kind, type, code] of EXPECTED) {
    it(`${kind} → ${type.name} (${code}), the driver error as cause, its codes in details`, () => {
      const cause = new Error('driver says no');
      const error = toAthenaError(
        cause,
        { kind, backend: 'TestDB', detail: 'driver says no', details: { testCode: 'X1' } },
        { operation: 'store memory' },
      );
      expect(error).toBeInstanceOf(type);
      expect(error.code).toBe(code);
      expect(error.cause).toBe(cause);
      expect(error.details).toMatchObject({ operation: 'store memory', testCode: 'X1' });
    });
  }

  it('names the missing row the context gives, or a referenced row', () => {
    const classified = {
      kind: 'foreign_key_violation',
      backend: 'TestDB',
      detail: 'fk',
    } as const;
    const known = toAthenaError(null, classified, { notFound: { entity: 'project', id: 9 } });
    expect(known.message).toBe('project 9 not found');
    expect(known.details).toMatchObject({ entity: 'project', id: 9 });
    expect(toAthenaError(null, classified).message).toBe('referenced row not found');
  });

  it('prefixes the operation and the backend; a unique violation takes the context message', () => {
    const unique = { kind: 'unique_violation', backend: 'TestDB', detail: 'dup key' } as const;
    expect(
      toAthenaError(null, unique, { conflict: 'a project at /p already exists' }).message,
    ).toBe('a project at /p already exists');
    expect(toAthenaError(null, unique, { operation: 'create project' }).message).toBe(
      'create project: already exists: dup key',
    );
    expect(
      toAthenaError(null, { kind: 'other', backend: 'TestDB', detail: 'disk full' }).message,
    ).toBe('TestDB failed: disk full');
    expect(
      toAthenaError(null, { kind: 'unavailable', backend: 'TestDB', detail: 'ECONNREFUSED' })
        .message,
    ).toBe('TestDB is unavailable (ECONNREFUSED)');
  });

  it('tells a write whether it may have applied, on unavailable and transient failures only', () => {
    const broken = { kind: 'unavailable', backend: 'TestDB', detail: 'ECONNRESET' } as const;
    const refused = { ...broken, detail: 'ECONNREFUSED', notApplied: true };
    const deadlock = {
      kind: 'concurrency_conflict',
      backend: 'TestDB',
      detail: 'x',
      notApplied: true,
    } as const;
    const detailsOf = (...args: Parameters<typeof toAthenaError>) => toAthenaError(...args).details;
    expect(detailsOf(null, broken, { write: true })).toMatchObject({ mayHaveApplied: true });
    expect(detailsOf(null, refused, { write: true })).toMatchObject({ mayHaveApplied: false });
    expect(detailsOf(null, deadlock, { write: true })).toMatchObject({ mayHaveApplied: false });
    expect(detailsOf(null, broken, { write: true, notApplied: true })).toMatchObject({
      mayHaveApplied: false,
    });
    expect(detailsOf(null, broken)).not.toHaveProperty('mayHaveApplied');
    expect(
      detailsOf(null, { kind: 'other', backend: 'TestDB', detail: 'x' }, { write: true }),
    ).not.toHaveProperty('mayHaveApplied');
  });
});
