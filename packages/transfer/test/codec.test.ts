import { createHash } from 'node:crypto';
import { MemoryChecksum, memoryDigest, ValidationError } from '@athena/core-types';
import { describe, expect, it } from 'vitest';
import { decodeRecord, decodeVector, encodeRecord, encodeVector } from '../src/index.js';

describe('vector encoding', () => {
  it('round-trips every 32-bit float exactly, signed zero and extremes included', () => {
    const vector = new Float32Array([
      0.1,
      -0,
      1e-45,
      -3.4028234663852886e38,
      1.1754943508222875e-38,
      Math.PI,
      -1,
      123456.789,
    ]);
    const decoded = decodeVector(encodeVector(vector), 'v');
    expect(Array.from(decoded)).toEqual(Array.from(vector));
    expect(Object.is(decoded[1], -0)).toBe(true);
    expect(encodeVector(new Float32Array([1, 0.5]))).toBe('AACAPwAAAD8=');
  });

  it('refuses what is not base64 of whole floats', () => {
    expect(() => decodeVector([1, 2], 'line 3.embedding')).toThrow(ValidationError);
    expect(() => decodeVector('AAA=', 'v')).toThrow(/little-endian float32/);
    expect(() => decodeVector('', 'v')).toThrow(ValidationError);
  });
});

describe('record encoding', () => {
  it('turns instants into ISO strings and back, and leaves other fields alone', () => {
    const goal = {
      id: 3,
      projectId: 1,
      parentGoalId: null,
      title: 'g',
      description: null,
      status: 'active' as const,
      priority: 5,
      progress: 0.5,
      deadline: new Date('2025-01-02T03:04:05.678Z'),
      completedAt: null,
      createdAt: new Date('2024-01-01T00:00:00.001Z'),
      updatedAt: new Date('2024-01-01T00:00:00.002Z'),
    };
    const json = JSON.parse(JSON.stringify(encodeRecord('goals', goal))) as unknown;
    expect(json).toMatchObject({ deadline: '2025-01-02T03:04:05.678Z', completedAt: null });
    expect(decodeRecord('goals', json, 'line 2')).toEqual(goal);
    expect(() => decodeRecord('goals', [1], 'line 2')).toThrow('line 2: must be an object');
  });
});

describe('MemoryChecksum (of core-types, which transfers compare)', () => {
  it("hashes a memory in pgvector's binary form of the vector", () => {
    const digest = memoryDigest('ab', new Float32Array([1, -2]));
    const form = Buffer.from([0, 0, 0, 2, 0x61, 0x62, 0, 2, 0, 0, 0x3f, 0x80, 0, 0, 0xc0, 0, 0, 0]);
    expect(digest.toString('hex')).toBe(createHash('sha256').update(form).digest('hex'));
  });

  it('depends on every byte of content and vector, and on their boundaries', () => {
    const digest = (...memories: { content: string; embedding: Float32Array }[]) => {
      const checksum = new MemoryChecksum();
      for (const memory of memories) checksum.add(memory);
      return checksum.digest();
    };
    const v = new Float32Array([1, 2]);
    const base = digest({ content: 'ab', embedding: v }, { content: 'c', embedding: v });
    expect(base).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digest({ content: 'ab', embedding: v }, { content: 'c', embedding: v })).toBe(base);
    expect(digest({ content: 'a', embedding: v }, { content: 'bc', embedding: v })).not.toBe(base);
    expect(
      digest(
        { content: 'ab', embedding: v },
        { content: 'c', embedding: new Float32Array([1, 2.0000002]) },
      ),
    ).not.toBe(base);
    expect(digest({ content: 'c', embedding: v }, { content: 'ab', embedding: v })).not.toBe(base);
  });
});
