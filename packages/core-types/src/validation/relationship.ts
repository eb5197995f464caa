import { z } from 'zod';
import { RELATIONSHIP_TYPES } from '../relationship.js';
import { id, parseWith, unit } from './internal.js';

const linkSchema = z
  .object({
    fromMemoryId: id,
    toMemoryId: id,
    relationshipType: z.enum(RELATIONSHIP_TYPES as [string, ...string[]]),
    strength: unit.default(0.5),
  })
  .strict()
  .refine((link) => link.fromMemoryId !== link.toMemoryId, {
    message: 'a memory cannot be linked to itself',
    path: ['toMemoryId'],
  });

/** Validates `relationships.link()` input (strength default 0.5). */
export function parseLink(input: unknown): z.output<typeof linkSchema> {
  return parseWith(linkSchema, input, 'link');
}

const listRelationshipsSchema = z
  .object({
    direction: z.enum(['outgoing', 'incoming', 'both']).default('both'),
    types: z.array(z.enum(RELATIONSHIP_TYPES as [string, ...string[]])).optional(),
  })
  .strict();

/** Validates `relationships.list()` options. */
export function parseListRelationships(options: unknown): z.output<typeof listRelationshipsSchema> {
  return parseWith(listRelationshipsSchema, options ?? {}, 'options');
}
