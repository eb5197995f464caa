import { z } from 'zod';
import { CONSOLIDATION_STATES } from '../consolidation.js';
import { MEMORY_TYPES } from '../memory.js';
import type { MemoryFilters } from '../search.js';
import { instant, parseWith, shortText } from './internal.js';
import { LIMITS } from './limits.js';

const filtersSchema = z
  .object({
    memoryTypes: z.array(z.enum(MEMORY_TYPES as [string, ...string[]])).optional(),
    domains: z.array(shortText).optional(),
    tags: z.array(shortText).max(LIMITS.tags).optional(),
    consolidationStates: z.array(z.enum(CONSOLIDATION_STATES as [string, ...string[]])).optional(),
    createdAfter: instant.optional(),
    createdBefore: instant.optional(),
    sessionId: shortText.optional(),
  })
  .strict();

/** Validated {@link MemoryFilters}; empty arrays mean "no filter". */
export interface NormalizedFilters extends Omit<MemoryFilters, 'memoryTypes'> {
  readonly memoryTypes?: readonly string[];
}

/** Validates search/list filters; unknown keys are rejected, empty lists dropped. */
export function parseFilters(filters: unknown): NormalizedFilters {
  const parsed = parseWith(filtersSchema, filters ?? {}, 'filters');
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(parsed)) {
    if (value === undefined) continue;
    if (Array.isArray(value) && value.length === 0) continue;
    out[key] = Array.isArray(value) ? [...new Set(value)] : value;
  }
  return out as NormalizedFilters;
}
