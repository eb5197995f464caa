import { parseId, parseLink, parseListRelationships } from '@athena/core-types';
import type { RelationshipRepository } from '@athena/core-types';
import { front } from '../front.js';
import type { BackendOf, Parsers } from '../front.js';
import { projectIdOf } from './ids.js';

const RELATIONSHIP_PARSERS = {
  /** Checks `link()`'s `projectId` and `input`. */
  link: (_, projectId, input) => [projectIdOf(projectId), parseLink(input)] as const,
  // A link is named as `link()` names it; its strength does not matter here.
  /** Checks `unlink()`'s `projectId` and `link`. */
  unlink: (_, projectId, link) => {
    const project = projectIdOf(projectId);
    const { fromMemoryId, toMemoryId, relationshipType } = parseLink({
      ...link,
      strength: undefined,
    });
    return [project, { fromMemoryId, toMemoryId, relationshipType }] as const;
  },
  /** Checks `list()`'s `projectId`, `memoryId` and `options`. */
  list: (_, projectId, memoryId, options) =>
    [
      projectIdOf(projectId),
      parseId(memoryId, 'memoryId'),
      parseListRelationships(options),
    ] as const,
} satisfies Parsers<RelationshipRepository>;

/** The validating front of a backend's relationships. */
export const RelationshipFront = front<RelationshipRepository>()(RELATIONSHIP_PARSERS);

/** What a backend implements for relationships: {@link RelationshipRepository} with parsed arguments. */
export type RelationshipBackend = BackendOf<RelationshipRepository, typeof RELATIONSHIP_PARSERS>;
