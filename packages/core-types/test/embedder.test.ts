import { describe, expect, it } from 'vitest';
import { EMBED_INPUT_TYPES, resolveInputType, ValidationError } from '../src/index.js';
import type { EmbedOptions } from '../src/index.js';

describe('resolveInputType', () => {
  it('defaults to document, and passes query and document through', () => {
    expect(resolveInputType(undefined)).toBe('document');
    expect(resolveInputType({})).toBe('document');
    expect(resolveInputType({ inputType: 'query' })).toBe('query');
    expect(resolveInputType({ inputType: 'document' })).toBe('document');
    expect(EMBED_INPUT_TYPES).toEqual(['query', 'document']);
  });

  it('rejects anything else with a ValidationError naming options.inputType', () => {
    let error: unknown;
    try {
      resolveInputType({ inputType: 'passage' } as unknown as EmbedOptions);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).issues[0]?.path).toBe('options.inputType');
    expect((error as Error).message).toContain('"passage"');
  });
});
