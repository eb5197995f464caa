/** How two memories relate. */
export type RelationshipType =
  'reinforces' | 'contradicts' | 'extends' | 'depends_on' | 'caused_by';

/** Every {@link RelationshipType}. */
export const RELATIONSHIP_TYPES: readonly RelationshipType[] = Object.freeze([
  'reinforces',
  'contradicts',
  'extends',
  'depends_on',
  'caused_by',
]);

/** A directed, typed link between two memories of one project (`memory_relationships`). */
export interface Relationship {
  readonly id: number;
  readonly projectId: number;
  readonly fromMemoryId: number;
  readonly toMemoryId: number;
  readonly relationshipType: RelationshipType;
  /** In [0, 1]. */
  readonly strength: number;
  readonly createdAt: Date;
}

/** Input of `relationships.link()`. Linking an existing pair and type again updates its strength. */
export interface LinkMemoriesInput {
  readonly fromMemoryId: number;
  readonly toMemoryId: number;
  readonly relationshipType: RelationshipType;
  /** In [0, 1]; default 0.5. */
  readonly strength?: number;
}

/** Which links `relationships.list()` returns, seen from the given memory. */
export type RelationshipDirection = 'outgoing' | 'incoming' | 'both';
