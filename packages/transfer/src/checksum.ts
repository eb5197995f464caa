import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';

/**
 * SHA-256 over every memory's content and embedding, in id order — the
 * order a transfer reads the source and the target in, since new ids keep
 * the old order. Each memory contributes its content's UTF-8 length (4
 * bytes, little-endian), the content, and its embedding's little-endian
 * 32-bit floats, so no two different sequences hash alike by concatenation.
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

  add(memory: { readonly content: string; readonly embedding: Float32Array }): void {
    const content = Buffer.from(memory.content, 'utf8');
    const length = Buffer.allocUnsafe(4);
    length.writeUInt32LE(content.length, 0);
    const vector = Buffer.allocUnsafe(memory.embedding.length * 4);
    for (let i = 0; i < memory.embedding.length; i++) {
      vector.writeFloatLE(memory.embedding[i] as number, i * 4);
    }
    this.#hash.update(length).update(content).update(vector);
    this.#count += 1;
  }

  /** `sha256:<hex>`; the checksum cannot be added to afterwards. */
  digest(): string {
    return `sha256:${this.#hash.digest('hex')}`;
  }
}
