/** How a member relates to the representative of its cluster. */
export type MemberRelation = 'reinforces' | 'extends' | 'contradicts';

/** One text handed to a {@link Summarizer}, with the id it is referred to by. */
export interface SummaryItem {
  readonly id: number;
  readonly content: string;
}

/** What a summarizer says about a cluster. */
export interface ClusterSummary {
  /** One memory's worth of text stating what the members agree on. */
  readonly summary: string;
  /**
   * For members whose relation to the summary the summarizer judged: their
   * id and the relation. Members left out are related by the heuristic.
   */
  readonly relations: readonly { readonly id: number; readonly relation: MemberRelation }[];
}

/** One episodic event handed to a summarizer. */
export interface EpisodeItem {
  readonly id: number;
  readonly eventType: string;
  readonly content: string;
  readonly outcome: string | null;
  readonly learned: string | null;
}

/**
 * The optional slow path of consolidation: a language model that summarises
 * a cluster and says which members contradict it, and states what a group
 * of episodic events taught. A summarizer throws when it cannot answer; the
 * consolidator then keeps its heuristic result and counts a fallback.
 *
 * @example
 * ```ts
 * const summarizer = new OpenAiCompatibleSummarizer({ url: 'http://localhost:8081', model: 'qwen2.5-1.5b-instruct' });
 * const { summary } = await summarizer.summarizeCluster([{ id: 1, content: 'Use pnpm' }, { id: 2, content: 'We use pnpm' }]);
 * ```
 */
export interface Summarizer {
  /** Identifies the model, for logs. */
  readonly modelId: string;
  /** One summary of the cluster's memories, and which of them contradict it. */
  summarizeCluster(items: readonly SummaryItem[]): Promise<ClusterSummary>;
  /** One sentence or a short paragraph: what the events taught. */
  summarizeEpisodes(events: readonly EpisodeItem[]): Promise<string>;
}
