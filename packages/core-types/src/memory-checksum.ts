import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';

/**
 * The digest of one memory in {@link MemoryChecksum}: SHA-256 over its
 * content's UTF-8 length (4 bytes, big-endian), the content, then the
 * embedding in pgvector's binary form (`vector_send`: the dimension and a
 * zero as big-endian 16-bit integers, then big-endian 32-bit floats) — a
 * form PostgreSQL can hash in SQL, so its vectors never leave the server.
 *
 * @example
 * ```ts
 * memoryDigest('Use pnpm', new Float32Array([1, 0])).length; // 32
 * ```
 */
export function memoryDigest(content: string, embedding: Float32Array): Buffer {
  const text = Buffer.from(content, 'utf8');
  const bytes = Buffer.allocUnsafe(4 + text.length + 4 + 4 * embedding.length);
  bytes.writeUInt32BE(text.length, 0);
  text.copy(bytes, 4);
  let offset = 4 + text.length;
  bytes.writeUInt16BE(embedding.length, offset);
  bytes.writeUInt16BE(0, offset + 2);
  offset += 4;
  for (let i = 0; i < embedding.length; i++) {
    bytes.writeFloatBE(embedding[i] as number, offset + 4 * i);
  }
  return createHash('sha256').update(bytes).digest();
}

/**
 * The checksum of a set of memories that transfers compare between source
 * and target: SHA-256 over the {@link memoryDigest} of every memory, in id
 * order (which a transfer keeps), as `sha256:<hex>`. Equal checksums mean
 * equal content and vectors, memory for memory.
 *
 * @example
 * ```ts
 * const checksum = new MemoryChecksum();
 * for (const memory of memories) checksum.add(memory);
 * checksum.digest(); // 'sha256:9f86d0…'
 * ```
 */
export class MemoryChecksum {
  readonly #hash: Hash = createHash('sha256');
  #count = 0;

  /** Memories added so far. */
  get count(): number {
    return this.#count;
  }

  /** Adds the next memory, in id order. */
  add(memory: { readonly content: string; readonly embedding: Float32Array }): void {
    this.addDigest(memoryDigest(memory.content, memory.embedding));
  }

  /** Adds the next memory by its {@link memoryDigest}, computed elsewhere (in SQL). */
  addDigest(digest: Uint8Array): void {
    this.#hash.update(digest);
    this.#count += 1;
  }

  /** `sha256:<hex>`; nothing can be added afterwards. */
  digest(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}
